"""Optimism bias: costs uplifted and benefits reduced, with figures before and after."""

import pytest

from bpv.appraisal import (
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    OptimismBias,
    RiskArea,
    appraise,
    flows_of,
)
from bpv.errors import InvalidInput
from bpv.hypotheses import BenefitType

BUILD = flows_of({2017: 1000.0})
SAVINGS = [BenefitLine("savings", BenefitType.CASH_RELEASING, flows_of({2018: 1500.0}))]


def test_a_fraction_on_the_line_uplifts_its_costs() -> None:
    costs = [CostLine("build", CostKind.CAPITAL, BUILD, optimism_bias=0.24)]
    appraisal = appraise(costs, SAVINGS, AppraisalSettings(base_year=2017))
    assert appraisal.before_optimism_bias.pv_costs == pytest.approx(1000.0)
    assert appraisal.pv_costs == pytest.approx(1240.0)
    assert appraisal.lines[0].optimism_bias == 0.24
    assert appraisal.npsv == pytest.approx(appraisal.before_optimism_bias.npsv - 240.0)


def test_a_confidence_grade_takes_its_fraction_from_the_rounds_table() -> None:
    settings = AppraisalSettings(base_year=2017, optimism_bias_table={"A": 0.1, "C": 0.44})
    costs = [CostLine("build", CostKind.CAPITAL, BUILD, OptimismBias.from_grade("C"))]
    assert appraise(costs, SAVINGS, settings).pv_costs == pytest.approx(1440.0)


def test_upper_bound_is_reduced_by_mitigated_risk_areas() -> None:
    # Standard buildings: upper bound 24%; risk areas mitigated in part.
    spec = OptimismBias.mitigated(
        0.24,
        [
            RiskArea("design complexity", contribution=0.5, mitigation=0.8),
            RiskArea("environmental impact", contribution=0.3, mitigation=0.5),
            RiskArea("client-specific", contribution=0.2, mitigation=0.0),
        ],
    )
    costs = [CostLine("build", CostKind.CAPITAL, BUILD, spec)]
    appraisal = appraise(costs, SAVINGS, AppraisalSettings(base_year=2017))
    expected = 0.24 * (1 - (0.5 * 0.8 + 0.3 * 0.5))
    assert appraisal.lines[0].optimism_bias == pytest.approx(expected)
    assert appraisal.pv_costs == pytest.approx(1000.0 * (1 + expected))


def test_benefits_are_reduced_by_their_own_fraction_or_the_rounds_default() -> None:
    benefits = [
        BenefitLine("own", BenefitType.SOCIETAL, flows_of({2017: 100.0}), optimism_bias=0.3),
        BenefitLine("default", BenefitType.SOCIETAL, flows_of({2017: 100.0})),
    ]
    settings = AppraisalSettings(base_year=2017, benefit_optimism_bias=0.1)
    appraisal = appraise([], benefits, settings)
    assert [line.pv for line in appraisal.lines] == pytest.approx([70.0, 90.0])
    assert appraisal.before_optimism_bias.pv_benefits == pytest.approx(200.0)
    assert appraisal.pv_benefits == pytest.approx(160.0)


def test_unknown_grade_is_named() -> None:
    costs = [CostLine("build", CostKind.CAPITAL, BUILD, OptimismBias.from_grade("Z"))]
    with pytest.raises(InvalidInput) as error:
        appraise(costs, SAVINGS, AppraisalSettings(base_year=2017, optimism_bias_table={"A": 0.1}))
    assert error.value.field == "costs[0].optimism_bias.grade"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (-0.1, "costs[0].optimism_bias"),
        (OptimismBias.of_fraction(float("nan")), "costs[0].optimism_bias.fraction"),
        (OptimismBias(fraction=0.1, grade="A"), "costs[0].optimism_bias"),
        (OptimismBias(), "costs[0].optimism_bias"),
        (
            OptimismBias.mitigated(0.66, [RiskArea("a", 0.7, 0.5), RiskArea("b", 0.4, 0.5)]),
            "costs[0].optimism_bias.risk_areas",
        ),
        (
            OptimismBias.mitigated(0.66, [RiskArea("a", 0.5, 1.2)]),
            "costs[0].optimism_bias.risk_areas[0].mitigation",
        ),
    ],
)
def test_bad_optimism_bias_is_named(spec: OptimismBias | float, field: str) -> None:
    costs = [CostLine("build", CostKind.CAPITAL, BUILD, spec)]
    with pytest.raises(InvalidInput) as error:
        appraise(costs, SAVINGS, AppraisalSettings(base_year=2017))
    assert error.value.field == field


def test_a_benefit_cannot_be_reduced_by_more_than_all_of_it() -> None:
    benefits = [BenefitLine("b", BenefitType.SOCIETAL, flows_of({2017: 1.0}), optimism_bias=1.5)]
    with pytest.raises(InvalidInput) as error:
        appraise([], benefits, AppraisalSettings(base_year=2017))
    assert error.value.field == "benefits[0].optimism_bias"
