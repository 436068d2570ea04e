"""The point estimate and its Monte Carlo: where one sits in the other, and why they may differ."""

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpv.appraisal import (
    MAX_SAMPLE_CELLS,
    MAX_SAMPLES,
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    InputKind,
    MonteCarloSettings,
    Normal,
    Pert,
    Triangular,
    UncertainInput,
    Uniform,
    appraise,
    flows_of,
)
from bpv.appraisal.distributions import Distribution
from bpv.errors import InvalidInput
from bpv.hypotheses import BenefitType

SETTINGS = AppraisalSettings(base_year=2017)
SAMPLES = 20_000


def proposal(
    cost: Distribution | None, benefit: Distribution | None
) -> tuple[list[CostLine], list[BenefitLine]]:
    costs = [CostLine("build", CostKind.CAPITAL, flows_of({2017: 1000.0}), uncertainty=cost)]
    benefits = [
        BenefitLine(
            "savings",
            BenefitType.CASH_RELEASING,
            flows_of({year: 250.0 for year in range(2018, 2024)}),
            uncertainty=benefit,
        )
    ]
    return costs, benefits


def symmetric_around_one(kind: str, spread: float) -> Distribution:
    return {
        "triangular": Triangular(1 - spread, 1.0, 1 + spread),
        "pert": Pert(1 - spread, 1.0, 1 + spread),
        "normal": Normal(1.0, spread / 2),
        "uniform": Uniform(1 - spread, 1 + spread),
    }[kind]


KINDS = st.sampled_from(["triangular", "pert", "normal", "uniform"])


@settings(max_examples=25, deadline=None)
@given(KINDS, KINDS, st.floats(0.01, 0.5), st.floats(0.01, 0.5), st.integers(0, 2**32))
def test_with_symmetric_inputs_the_monte_carlo_median_is_the_point_estimate(
    cost_kind: str, benefit_kind: str, cost_spread: float, benefit_spread: float, seed: int
) -> None:
    costs, benefits = proposal(
        symmetric_around_one(cost_kind, cost_spread),
        symmetric_around_one(benefit_kind, benefit_spread),
    )
    appraisal = appraise(costs, benefits, SETTINGS, MonteCarloSettings(SAMPLES, seed))
    result = appraisal.monte_carlo
    assert result is not None

    # NPSV is a sum of independent inputs symmetric about their points, so it is symmetric
    # about the point NPSV: its sample median is off by sampling error alone, whose standard
    # error is about 1.2533 sd / sqrt(n); the P5-P95 width is about 3.29 sd.
    sd = (result.npsv.p95 - result.npsv.p5) / 3.29
    assert abs(result.npsv.p50 - appraisal.npsv) < 5 * 1.2533 * sd / math.sqrt(SAMPLES)
    # The point's percentile rank has standard error 50 / sqrt(n), 0.35 points here.
    assert result.npsv_point_percentile == pytest.approx(50.0, abs=5 * 50 / math.sqrt(SAMPLES))


def test_inputs_skewed_below_their_points_put_the_point_estimate_high_in_the_distribution() -> None:
    # As on the demo: benefits most likely 90% of the stated flows, costs 110%.
    costs, benefits = proposal(Triangular(0.9, 1.1, 1.4), Triangular(0.6, 0.9, 1.05))

    appraisal = appraise(costs, benefits, SETTINGS, MonteCarloSettings(SAMPLES, 0))

    result = appraisal.monte_carlo
    assert result is not None
    assert result.npsv.mean < appraisal.npsv
    assert result.npsv_point_percentile > 90
    assert result.bcr_point_percentile is not None and result.bcr_point_percentile > 90
    cost, benefit = appraisal.uncertain_inputs
    assert (cost.kind, cost.line, cost.point) == (InputKind.FLOWS, "build", 1.0)
    assert cost.mean == pytest.approx((0.9 + 1.1 + 1.4) / 3)
    assert cost.most_likely == 1.1
    assert cost.point_percentile == pytest.approx(100 * 0.1**2 / (0.5 * 0.2))  # 20
    assert benefit.mean == pytest.approx(0.85)
    assert benefit.point_percentile == pytest.approx(100 * (1 - 0.05**2 / (0.45 * 0.15)))


def test_a_centred_input_sits_at_the_fiftieth_percentile_of_its_distribution() -> None:
    costs, benefits = proposal(Normal(1.0, 0.1), Uniform(0.8, 1.2))

    appraisal = appraise(costs, benefits, SETTINGS)

    assert [i.point_percentile for i in appraisal.uncertain_inputs] == pytest.approx([50, 50])
    assert [i.most_likely for i in appraisal.uncertain_inputs] == [1.0, None]


def qaly_proposal(
    value_per_qaly: Distribution | None,
) -> tuple[list[CostLine], list[BenefitLine], AppraisalSettings]:
    costs = [CostLine("clinic", CostKind.REVENUE, flows_of({2017: 100_000.0}))]
    benefits = [
        BenefitLine("QALYs gained", BenefitType.QALY, flows_of({2018: 1.0, 2019: 1.0})),
        BenefitLine("more QALYs", BenefitType.QALY, flows_of({2019: 0.5})),
    ]
    return costs, benefits, replace(SETTINGS, value_per_qaly_uncertainty=value_per_qaly)


def test_the_value_of_a_qaly_is_one_draw_for_every_qaly_line() -> None:
    costs, benefits, with_spread = qaly_proposal(Uniform(40_000.0, 80_000.0))

    appraisal = appraise(costs, benefits, with_spread, MonteCarloSettings(SAMPLES, 3))

    [value] = appraisal.uncertain_inputs
    assert (value.kind, value.line, value.point) == (InputKind.VALUE_PER_QALY, None, 60_000.0)
    assert value.switching_value == pytest.approx(appraisal.value_per_qaly_switching)
    [bar] = appraisal.tornado
    assert (bar.input, bar.input_low, bar.input_high) == (InputKind.VALUE_PER_QALY, 40_000, 80_000)
    at_low = appraise(costs, benefits, replace(SETTINGS, value_per_qaly=40_000.0))
    at_high = appraise(costs, benefits, replace(SETTINGS, value_per_qaly=80_000.0))
    assert bar.npsv_low == pytest.approx(at_low.npsv)
    assert bar.npsv_high == pytest.approx(at_high.npsv)
    result = appraisal.monte_carlo
    assert result is not None
    # NPSV is linear in the value of a QALY, so its samples run from one end to the other.
    assert at_low.npsv < result.npsv.p5 < result.npsv.p95 < at_high.npsv
    assert result.npsv.mean == pytest.approx(appraisal.npsv, rel=0.01)


def shares_line(**inputs: UncertainInput) -> BenefitLine:
    return BenefitLine(
        "admissions avoided",
        BenefitType.CASH_RELEASING,
        flows_of({2018: 800.0, 2019: 800.0}),
        deadweight=0.2,
        attribution=0.1,
        inputs=tuple(inputs.values()),
    )


def test_an_uncertain_share_has_a_switching_value_at_which_npsv_is_zero() -> None:
    costs = [CostLine("team", CostKind.REVENUE, flows_of({2017: 1000.0}))]
    deadweight = UncertainInput(InputKind.DEADWEIGHT, 0.2, Triangular(0.1, 0.2, 0.4))
    benefits = [shares_line(deadweight=deadweight)]

    appraisal = appraise(costs, benefits, SETTINGS)

    [summary] = appraisal.uncertain_inputs
    assert summary.switching_value is not None
    switched = appraise(
        costs, [replace(benefits[0], deadweight=summary.switching_value, inputs=())], SETTINGS
    )
    assert switched.npsv == pytest.approx(0.0, abs=1e-9)
    [bar] = appraisal.tornado
    at_high = appraise(costs, [replace(benefits[0], deadweight=0.4, inputs=())], SETTINGS)
    assert bar.npsv_high == pytest.approx(at_high.npsv)  # more deadweight, less benefit
    assert bar.npsv_high < appraisal.npsv < bar.npsv_low


@pytest.mark.parametrize(
    ("given", "point"),
    [
        (Normal(0.2, 0.05), 0.2),  # a share cannot be unbounded
        (Uniform(0.5, 1.2), 0.2),  # nor run past 1
    ],
)
def test_an_uncertain_share_must_stay_in_zero_to_one(given: Distribution, point: float) -> None:
    costs = [CostLine("team", CostKind.REVENUE, flows_of({2017: 1000.0}))]
    benefits = [shares_line(deadweight=UncertainInput(InputKind.DEADWEIGHT, point, given))]

    with pytest.raises(InvalidInput) as error:
        appraise(costs, benefits, SETTINGS)

    assert error.value.field == "benefits[0].deadweight_uncertainty"


def test_an_input_whose_point_is_not_the_lines_own_is_refused() -> None:
    costs = [CostLine("team", CostKind.REVENUE, flows_of({2017: 1000.0}))]
    stray = UncertainInput(InputKind.ATTRIBUTION, 0.3, Uniform(0.2, 0.4))  # the line says 0.1

    with pytest.raises(InvalidInput) as error:
        appraise(costs, [shares_line(attribution=stray)], SETTINGS)

    assert error.value.field == "benefits[0].attribution_uncertainty"


def test_too_many_draws_are_refused_before_any_is_made() -> None:
    lines = MAX_SAMPLE_CELLS // MAX_SAMPLES + 1
    costs = [
        CostLine(f"line {i}", CostKind.REVENUE, flows_of({2017: 1.0}), uncertainty=Uniform(0, 2))
        for i in range(lines)
    ]

    with pytest.raises(InvalidInput) as error:
        appraise(costs, [], SETTINGS, MonteCarloSettings(MAX_SAMPLES))

    assert error.value.field == "monte_carlo.samples"
