"""Reference-class calibration recovers the known optimism of synthetic bids."""

from dataclasses import replace

import numpy as np
import pytest

from bpv.benefits import (
    BidOutturn,
    CalibrationFactor,
    SpendLine,
    TrackingSettings,
    adjusted_measures,
    adjustment,
    bid_benefits,
    bid_outturn,
    calibrate,
    track,
)
from bpv.errors import InvalidInput
from tests.bpv.benefits.series import AFTER_ALL, FEWER_ADMISSIONS, D, observations


def synthetic_bids(
    count: int,
    *,
    seed: int,
    optimism: float = 0.7,
    overspend: float = 1.2,
    sigma: float = 0.3,
    area: str = "Urgent care",
    organisation: str = "ORG-A",
    periods: int = 12,
    prefix: str = "bid",
) -> list[BidOutturn]:
    """Bids whose realised benefits are `optimism` x predicted x lognormal noise, and actual
    spend `overspend` x planned x lognormal noise."""
    rng = np.random.default_rng(seed)
    bids = []
    for index in range(count):
        predicted = float(rng.uniform(1e5, 1e6))
        planned = float(rng.uniform(1e5, 5e5))
        bids.append(
            BidOutturn(
                bid_id=f"{prefix}-{index}",
                groups={"programme_area": area, "lead_organisation": organisation},
                predicted_money=predicted,
                realised_money=optimism * predicted * float(rng.lognormal(0.0, sigma)),
                planned_spend=planned,
                actual_spend=overspend * planned * float(rng.lognormal(0.0, sigma)),
                periods_measured=periods,
            )
        )
    return bids


def factor(
    factors: tuple[CalibrationFactor, ...], dimension: str, group: str, measure: str
) -> CalibrationFactor:
    (found,) = [
        f for f in factors if (f.dimension, f.group, f.measure) == (dimension, group, measure)
    ]
    return found


def test_the_known_optimism_of_synthetic_bids_is_recovered_with_an_interval_around_it() -> None:
    factors = calibrate(synthetic_bids(40, seed=7))

    benefits = factor(factors, "programme_area", "Urgent care", "benefits")
    assert benefits.ratio == pytest.approx(0.7, abs=0.07)
    assert benefits.low < 0.7 < benefits.high
    assert (benefits.bids, benefits.confidence) == (40, 0.9)
    assert "geometric mean of 40 bids' realised/predicted benefits ratios" in benefits.method
    spend = factor(factors, "programme_area", "Urgent care", "spend")
    assert spend.ratio == pytest.approx(1.2, abs=0.12)
    assert spend.low < 1.2 < spend.high


def test_the_interval_holds_the_true_ratio_about_90_percent_of_the_time() -> None:
    def covers(seed: int) -> bool:
        found = factor(
            calibrate(synthetic_bids(12, seed=seed)), "programme_area", "Urgent care", "benefits"
        )
        return found.low < 0.7 < found.high

    covered = sum(covers(seed) for seed in range(300))

    assert 0.85 <= covered / 300 <= 0.95


def test_every_dimension_is_calibrated_and_a_group_with_too_few_bids_is_left_out() -> None:
    bids = synthetic_bids(6, seed=1) + synthetic_bids(2, seed=2, organisation="ORG-B", prefix="b")

    factors = calibrate(bids, min_bids=3)

    assert {(f.dimension, f.group, f.measure) for f in factors} == {
        ("lead_organisation", "ORG-A", "benefits"),
        ("lead_organisation", "ORG-A", "spend"),
        ("programme_area", "Urgent care", "benefits"),
        ("programme_area", "Urgent care", "spend"),
    }
    assert factor(factors, "programme_area", "Urgent care", "benefits").bids == 8
    assert factor(factors, "lead_organisation", "ORG-A", "benefits").bids == 6


def test_bids_with_too_few_measured_periods_do_not_count() -> None:
    bids = synthetic_bids(3, seed=1) + synthetic_bids(5, seed=2, periods=5, prefix="short")

    factors = calibrate(bids, min_bids=3, min_periods=6)

    assert factor(factors, "programme_area", "Urgent care", "benefits").bids == 3
    assert calibrate(bids, min_bids=4, min_periods=6) == ()


def test_bids_without_a_prediction_or_without_spend_are_left_out_of_that_measure() -> None:
    bids = synthetic_bids(3, seed=1)
    bids[0] = replace(bids[0], predicted_money=0.0)
    bids[1] = replace(bids[1], actual_spend=0.0)

    factors = calibrate(bids, min_bids=2)

    assert factor(factors, "programme_area", "Urgent care", "benefits").bids == 2
    assert factor(factors, "programme_area", "Urgent care", "spend").bids == 2


def test_a_bid_that_realised_nothing_is_not_dropped_the_pooled_ratio_is_used() -> None:
    bids = synthetic_bids(9, seed=3)
    bids.append(replace(bids[0], bid_id="nothing", realised_money=0.0))

    benefits = factor(calibrate(bids), "programme_area", "Urgent care", "benefits")

    total_realised = sum(b.realised_money for b in bids)
    total_predicted = sum(b.predicted_money for b in bids)
    assert benefits.ratio == pytest.approx(total_realised / total_predicted)
    assert benefits.low < benefits.ratio < benefits.high
    assert "pooled ratio" in benefits.method and "1 realised nothing or less" in benefits.method
    # Seeded: the same outturns give the same interval.
    again = factor(calibrate(bids), "programme_area", "Urgent care", "benefits")
    assert (again.low, again.high) == (benefits.low, benefits.high)


def test_bad_calibration_requests_are_refused() -> None:
    bids = synthetic_bids(3, seed=1)

    with pytest.raises(InvalidInput) as one:
        calibrate(bids, min_bids=1)
    with pytest.raises(InvalidInput) as twice:
        calibrate([*bids, bids[0]])

    assert one.value.field == "min_bids"
    assert twice.value.field == "outturns[3].bid_id"


FACTORS = (
    CalibrationFactor("lead_organisation", "ORG-A", "benefits", 0.6, 0.5, 0.7, 0.9, 5, "gm"),
    CalibrationFactor("programme_area", "Urgent care", "benefits", 0.8, 0.7, 0.9, 0.9, 9, "gm"),
    CalibrationFactor("programme_area", "Urgent care", "spend", 1.25, 1.1, 1.4, 0.9, 9, "gm"),
)


def test_the_most_specific_group_is_applied_for_each_measure() -> None:
    chosen = adjustment(FACTORS, "Urgent care", "ORG-A")

    assert (chosen.benefit_factor, chosen.cost_factor) == (0.6, 1.25)
    assert chosen.source == (
        "benefits x 0.6 from lead_organisation ORG-A (5 bids, 90% interval 0.5 to 0.7); "
        "costs x 1.25 from programme_area Urgent care (9 bids, 90% interval 1.1 to 1.4)"
    )


def test_without_a_calibrated_group_the_factors_are_one() -> None:
    assert adjustment(FACTORS, "Planned care", None) == (
        1.0,
        1.0,
        "benefits x 1 (no calibrated group); costs x 1 (no calibrated group)",
    )
    benefit_factor, _, _ = adjustment(FACTORS, "Urgent care", "ORG-Z")
    assert benefit_factor == 0.8


def test_adjusted_measures_apply_the_factors_to_pv_costs_and_benefits() -> None:
    adjusted = adjusted_measures(
        1_000_000.0, 2_500_000.0, adjustment(FACTORS, "Urgent care", "ORG-A")
    )

    assert adjusted.pv_costs == pytest.approx(1_250_000.0)
    assert adjusted.pv_benefits == pytest.approx(1_500_000.0)
    assert adjusted.npsv == pytest.approx(250_000.0)
    assert adjusted.bcr == pytest.approx(1.2)
    assert adjusted_measures(0.0, 10.0, adjustment((), None, None)).bcr is None


def test_a_bid_s_outturn_sets_realised_against_predicted_over_the_same_periods() -> None:
    # Data for April only: the outturn's prediction is April's, not the whole year's.
    april = observations((D(2017, 4, 1), D(2017, 4, 30), 985.0))
    tracked = track("h", FEWER_ADMISSIONS, april, TrackingSettings(), AFTER_ALL)
    benefits = bid_benefits([tracked], [SpendLine("staff", 2017, 50_000.0, 55_000.0)])

    outturn = bid_outturn("b1", {"programme_area": "Urgent care"}, benefits)

    assert outturn.predicted_money == pytest.approx(tracked.periods[0].predicted_money)
    assert outturn.predicted_money < tracked.predicted_money
    assert outturn.realised_money == pytest.approx(15 * 2000 * 30 / 365.25)
    assert (outturn.planned_spend, outturn.actual_spend, outturn.periods_measured) == (
        50_000.0,
        55_000.0,
        1,
    )
