"""Laws the appraisal must obey for any input, checked as properties with hypothesis."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpv.appraisal import (
    MAX_HORIZON,
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    DiscountSchedule,
    Flow,
    MonteCarloSettings,
    Normal,
    Triangular,
    Uniform,
    appraise,
    flows_of,
)
from bpv.hypotheses import BenefitType

BASE_YEAR = 2017
SETTINGS = AppraisalSettings(base_year=BASE_YEAR)

amounts = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)
costs_amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=BASE_YEAR, max_value=BASE_YEAR + 60)
flow_maps = st.dictionaries(years, amounts, min_size=1, max_size=15)
cost_maps = st.dictionaries(years, costs_amounts, min_size=1, max_size=15)
schedules = st.one_of(
    st.just(DiscountSchedule.green_book()),
    st.just(DiscountSchedule.health()),
    st.floats(min_value=1e-4, max_value=0.99).map(DiscountSchedule.flat),
)


def benefit(flows: dict[int, float], kind: BenefitType = BenefitType.SOCIETAL) -> BenefitLine:
    return BenefitLine("benefit", kind, flows_of(flows))


def cost(flows: dict[int, float]) -> CostLine:
    return CostLine("cost", CostKind.REVENUE, flows_of(flows))


@given(schedules)
def test_discount_factors_are_positive_and_strictly_decreasing_over_500_years(
    schedule: DiscountSchedule,
) -> None:
    factors = schedule.factors(MAX_HORIZON)
    assert factors[0] == 1.0
    assert np.all(factors > 0.0)
    assert np.all(np.diff(factors) < 0.0)


@given(
    flow_maps,
    flow_maps,
    st.floats(min_value=-100, max_value=100),
    st.sampled_from(list(BenefitType)),
)
def test_npv_is_linear_in_the_flows(
    first: dict[int, float], second: dict[int, float], scale: float, kind: BenefitType
) -> None:
    combined = {
        year: scale * first.get(year, 0.0) + second.get(year, 0.0) for year in {*first, *second}
    }
    npv_first = appraise([], [benefit(first, kind)], SETTINGS).npsv
    npv_second = appraise([], [benefit(second, kind)], SETTINGS).npsv
    npv_combined = appraise([], [benefit(combined, kind)], SETTINGS).npsv
    magnitude = sum(abs(a) for a in first.values()) * (abs(scale) + 1) * 6e4
    magnitude += sum(abs(a) for a in second.values()) * 6e4
    assert npv_combined == pytest.approx(scale * npv_first + npv_second, abs=1e-9 * magnitude)


@given(cost_maps, flow_maps, years)
def test_adding_a_zero_flow_changes_nothing(
    costs: dict[int, float], benefits: dict[int, float], zero_year: int
) -> None:
    before = appraise([cost(costs)], [benefit(benefits)], SETTINGS)
    padded = [
        BenefitLine("benefit", BenefitType.SOCIETAL, flows_of(benefits)),
        BenefitLine("nothing", BenefitType.SOCIETAL, (Flow(zero_year, 0.0),)),
    ]
    after = appraise([cost(costs)], padded, SETTINGS)
    # "Nothing" to full precision: a longer horizon may only reorder floating-point sums.
    assert after.pv_costs == pytest.approx(before.pv_costs, rel=1e-13)
    assert after.pv_benefits == pytest.approx(before.pv_benefits, rel=1e-12, abs=1e-9)
    # NPSV is a difference of the two: its rounding scales with them, not with itself.
    scale = max(abs(before.pv_costs), abs(before.pv_benefits))
    assert after.npsv == pytest.approx(before.npsv, rel=1e-12, abs=1e-9 + 1e-14 * scale)
    assert after.payback_year == before.payback_year
    assert after.irr.status == before.irr.status


@given(
    st.dictionaries(years, st.floats(min_value=1.0, max_value=1e7), min_size=1, max_size=10),
    flow_maps,
    schedules,
)
def test_bcr_exceeds_one_exactly_when_npsv_is_positive(
    costs: dict[int, float], benefits: dict[int, float], schedule: DiscountSchedule
) -> None:
    appraisal = appraise([cost(costs)], [benefit(benefits)], AppraisalSettings(BASE_YEAR, schedule))
    assert appraisal.bcr is not None
    assert (appraisal.bcr > 1.0) == (appraisal.npsv > 0.0)


@settings(max_examples=30)
@given(
    cost_maps,
    flow_maps,
    st.floats(min_value=0.1, max_value=3.0),
    st.sampled_from(["triangular", "normal", "uniform"]),
)
def test_zero_variance_monte_carlo_gives_the_deterministic_answer(
    costs: dict[int, float], benefits: dict[int, float], point: float, kind: str
) -> None:
    fixed = {
        "triangular": Triangular(point, point, point),
        "normal": Normal(point, 0.0),
        "uniform": Uniform(point, point),
    }[kind]
    deterministic = appraise(
        [cost({y: a * point for y, a in costs.items()})],
        [benefit({y: a * point for y, a in benefits.items()})],
        SETTINGS,
    )
    uncertain = appraise(
        [CostLine("cost", CostKind.REVENUE, flows_of(costs), uncertainty=fixed)],
        [BenefitLine("benefit", BenefitType.SOCIETAL, flows_of(benefits), uncertainty=fixed)],
        SETTINGS,
        MonteCarloSettings(samples=50),
    )
    result = uncertain.monte_carlo
    assert result is not None
    scale = deterministic.pv_costs + abs(deterministic.pv_benefits) + 1.0
    for figure in (result.npsv.mean, result.npsv.p5, result.npsv.p50, result.npsv.p95):
        assert figure == pytest.approx(deterministic.npsv, abs=1e-9 * scale)
    if abs(deterministic.npsv) > 1e-9 * scale:  # a break-even NPSV is zero only to rounding
        assert result.probability_npsv_positive == float(deterministic.npsv > 0.0)
