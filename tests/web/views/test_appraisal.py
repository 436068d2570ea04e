"""The appraisal's page figures: before and after optimism bias, the NPSV histogram from the
reported percentiles, the tornado in order of swing."""

from __future__ import annotations

import math

import pytest

from app.schemas.appraisals import AppraisalOut, AppraisalRequest, BidAppraisalOut
from app.schemas.appraisals.results import MonteCarloOut
from app.services.appraisals import preview
from app.web.views.appraisal import appraisal_view, npsv_histogram


def appraised() -> AppraisalOut:
    """A two-line appraisal with uncertain flows, so Monte Carlo and the tornado run."""
    triangular = {"kind": "triangular", "low": 0.8, "mode": 1, "high": 1.2}
    request = AppraisalRequest.model_validate(
        {
            "base_year": 2017,
            "costs": [
                {
                    "name": "Nurses",
                    "kind": "revenue",
                    "optimism_bias": 0.2,
                    "flows": [{"year": 2017, "amount": 100_000}, {"year": 2018, "amount": 100_000}],
                    "uncertainty": triangular,
                }
            ],
            "benefits": [
                {
                    "name": "Fewer admissions",
                    "type": "cash_releasing",
                    "flows": [{"year": 2018, "amount": 150_000}, {"year": 2019, "amount": 150_000}],
                    "uncertainty": {"kind": "triangular", "low": 0.5, "mode": 1, "high": 1.5},
                }
            ],
            "monte_carlo": {"samples": 2000, "seed": 7},
        }
    )
    return AppraisalOut.of(preview(request))


def bid_appraisal(appraisal: AppraisalOut) -> BidAppraisalOut:
    return BidAppraisalOut.model_construct(appraisal=appraisal, snapshot_at=None, missing=[])


def test_headline_shows_the_costs_before_and_after_their_uplift() -> None:
    appraisal = appraised()
    view = appraisal_view(bid_appraisal(appraisal))
    assert view is not None
    costs = next(row for row in view.headline if row.measure == "PV of costs")
    before = appraisal.before_optimism_bias.pv_costs
    assert costs.before == f"£{before:,.0f}"
    assert costs.after == f"£{appraisal.pv_costs:,.0f}"
    assert appraisal.pv_costs == pytest.approx(before * 1.2)


def test_histogram_bands_hold_the_shares_between_the_percentiles() -> None:
    monte_carlo = appraised().monte_carlo
    assert monte_carlo is not None
    histogram = npsv_histogram(monte_carlo, point_npsv=monte_carlo.npsv.p50)
    summary = monte_carlo.npsv
    assert [(b.low, b.high) for b in histogram.bands] == [
        (summary.p5, summary.p10),
        (summary.p10, summary.p50),
        (summary.p50, summary.p90),
        (summary.p90, summary.p95),
    ]
    # Area, not height, is the share: density x width / unit gives back each band's share.
    for band in histogram.bands:
        assert band.density * (band.high - band.low) / histogram.unit == pytest.approx(
            100 * band.share
        )
    assert math.fsum(b.share for b in histogram.bands) == pytest.approx(0.9)
    assert histogram.probability_positive == monte_carlo.probability_npsv_positive


def histogram_of(p5: float, p95: float) -> MonteCarloOut:
    step = (p95 - p5) / 4
    summary = {
        "mean": p5 + 2 * step,
        "p5": p5,
        "p10": p5 + step,
        "p50": p5 + 2 * step,
        "p90": p5 + 3 * step,
        "p95": p95,
    }
    return MonteCarloOut.model_validate(
        {
            "samples": 10_000,
            "seed": 1,
            "npsv": summary,
            "bcr": None,
            "bcr_defined_share": 1.0,
            "probability_npsv_positive": 0.9,
            "point_estimate_percentile": {"npsv": 50.0, "bcr": None},
        }
    )


def labels(chart: dict[str, object]) -> list[str]:
    data = chart["data"]
    assert isinstance(data, dict)
    return [dataset["label"] for dataset in data["datasets"]]


def test_zero_is_marked_when_the_distribution_straddles_it() -> None:
    chart = npsv_histogram(histogram_of(-100_000, 300_000), 100_000).chart
    assert "NPSV = 0" in labels(chart)


def test_zero_is_left_off_an_axis_far_above_it() -> None:
    chart = npsv_histogram(histogram_of(11_000_000, 20_000_000), 15_500_000).chart
    assert "NPSV = 0" not in labels(chart)
    assert chart["options"]["scales"]["x"]["min"] > 0  # type: ignore[index]


def test_tornado_puts_the_widest_swing_first_and_starts_at_the_point_npsv() -> None:
    appraisal = appraised()
    view = appraisal_view(bid_appraisal(appraisal))
    assert view is not None and view.tornado_chart is not None
    widest = max(appraisal.tornado, key=lambda bar: bar.swing)
    chart = view.tornado_chart
    assert chart["data"]["labels"][0].startswith(str(widest.line))
    low, high = chart["data"]["datasets"]
    assert low["data"][0] == [appraisal.npsv, widest.npsv_low]
    assert high["data"][0] == [appraisal.npsv, widest.npsv_high]


def test_nothing_appraised_gives_no_view() -> None:
    assert appraisal_view(BidAppraisalOut.model_construct(appraisal=None, missing=[])) is None
