"""A bid appraised under its round's settings, as a domain function: inputs in, traces out."""

import datetime as dt
from dataclasses import replace

import pytest

from bpv.appraisal import (
    MAX_SAMPLE_CELLS,
    MAX_SAMPLES,
    BidAppraisalSettings,
    BidCostLine,
    BidHypothesis,
    BidInputs,
    CostKind,
    HypothesisUncertainty,
    InputKind,
    MonteCarloRequest,
    OptimismBias,
    RiskArea,
    RoundMonteCarlo,
    Triangular,
    UpliftSource,
    appraise_bid,
    flows_of,
)
from bpv.errors import InvalidInput
from bpv.hypotheses import (
    Additionality,
    Baseline,
    BenefitType,
    Monetisation,
    SuccessHypothesis,
    TrajectoryPoint,
)
from bpv.logic_model import Direction, Evidence, EvidenceGrade, Indicator

ADMISSIONS = SuccessHypothesis(
    indicator=Indicator("Emergency admissions", "admissions a year", Direction.DECREASE),
    baseline=Baseline(1200.0, dt.date(2017, 3, 31)),
    trajectory=(TrajectoryPoint(dt.date(2019, 3, 31), 1000.0),),
    rationale="Case finding prevents crises.",
    evidence=Evidence("Local pilot", EvidenceGrade.MODERATE),
    confidence=0.7,
    edge=("control", "admissions"),
    monetisation=Monetisation(1650.0, BenefitType.CASH_RELEASING),
    additionality=Additionality(deadweight=0.1),
)

NURSES = BidCostLine("Nurses", CostKind.REVENUE, flows_of({2017: 100_000.0, 2018: 100_000.0}))


def bid(*cost_lines: BidCostLine, hypotheses: tuple[BidHypothesis, ...] = ()) -> BidInputs:
    return BidInputs(cost_lines=cost_lines or (NURSES,), hypotheses=hypotheses)


def test_cost_lines_take_every_optimism_bias_form_the_preview_takes() -> None:
    lines = (
        replace(NURSES, name="above one", optimism_bias=1.5),
        replace(
            NURSES,
            name="mitigated",
            optimism_bias=OptimismBias.mitigated(0.5, [RiskArea("design", 0.4, 0.5)]),
        ),
        replace(NURSES, name="graded", optimism_bias=OptimismBias.from_grade("low")),
        replace(NURSES, name="by its grade", confidence_grade="low"),
        replace(NURSES, name="ungraded"),
    )
    settings = BidAppraisalSettings(optimism_bias_table={"low": 0.3})

    result = appraise_bid(bid(*lines), settings)

    assert [(c.optimism_bias, c.optimism_bias_source) for c in result.costs] == [
        (1.5, UpliftSource.LINE),
        (pytest.approx(0.4), UpliftSource.LINE),
        (0.3, UpliftSource.ROUND_TABLE),
        (0.3, UpliftSource.ROUND_TABLE),
        (0.0, UpliftSource.NONE),
    ]
    assert result.appraisal is not None
    uplifts = [line.optimism_bias for line in result.appraisal.lines]
    assert uplifts == pytest.approx([1.5, 0.4, 0.3, 0.3, 0.0])


def test_a_grade_missing_from_the_rounds_table_is_noted_and_not_uplifted() -> None:
    graded = replace(NURSES, optimism_bias=OptimismBias.from_grade("very_low"))

    result = appraise_bid(bid(graded), BidAppraisalSettings(optimism_bias_table={"low": 0.3}))

    assert result.costs[0].optimism_bias_source is UpliftSource.NONE
    assert [m.field for m in result.missing] == [
        "cost_lines[0].optimism_bias.grade",
        "hypotheses",
    ]


def test_a_benefit_line_is_named_by_its_indicator_and_traced_to_its_hypothesis() -> None:
    hypothesis = BidHypothesis("5f0c", 2, ADMISSIONS)

    result = appraise_bid(bid(hypotheses=(hypothesis,)), BidAppraisalSettings())

    [trace] = result.benefits
    assert trace.line == "Emergency admissions (hypothesis 2)"
    assert trace.hypothesis is hypothesis
    assert result.appraisal is not None
    [line] = [line for line in result.appraisal.lines if line.role == "benefit"]
    assert (line.name, line.source) == ("Emergency admissions (hypothesis 2)", "5f0c")


def test_a_hypothesis_value_per_unit_distribution_is_drawn_and_swung() -> None:
    uncertain = BidHypothesis(
        "h1",
        1,
        ADMISSIONS,
        HypothesisUncertainty(value_per_unit=Triangular(1200.0, 1650.0, 2100.0)),
    )

    result = appraise_bid(bid(hypotheses=(uncertain,)), BidAppraisalSettings())

    appraisal = result.appraisal
    assert appraisal is not None and appraisal.monte_carlo is not None
    assert result.monte_carlo == RoundMonteCarlo()  # its own distribution runs the defaults
    [value] = appraisal.uncertain_inputs
    assert (value.kind, value.point, value.mean) == (InputKind.VALUE_PER_UNIT, 1650.0, 1650.0)
    assert value.line == "Emergency admissions (hypothesis 1)"
    assert [bar.input for bar in appraisal.tornado] == [InputKind.VALUE_PER_UNIT]
    # At the switching value per unit the bid breaks even.
    assert value.switching_value is not None
    monetisation = Monetisation(value.switching_value, BenefitType.CASH_RELEASING)
    switched = BidHypothesis("h1", 1, replace(ADMISSIONS, monetisation=monetisation))
    at_switch = appraise_bid(bid(hypotheses=(switched,)), BidAppraisalSettings()).appraisal
    assert at_switch is not None
    assert at_switch.npsv == pytest.approx(0.0, abs=1e-6)


def test_monte_carlo_off_samples_nothing_and_keeps_the_point_figures() -> None:
    uncertain = BidHypothesis(
        "h1", 1, ADMISSIONS, HypothesisUncertainty(deadweight=Triangular(0.0, 0.1, 0.3))
    )
    inputs = bid(hypotheses=(uncertain,))

    on = appraise_bid(inputs, BidAppraisalSettings()).appraisal
    off = appraise_bid(inputs, BidAppraisalSettings(), MonteCarloRequest(enabled=False)).appraisal

    assert on is not None and off is not None
    assert off.monte_carlo is None and off.uncertain_inputs == ()
    assert off.npsv == on.npsv


def test_too_many_samples_asked_for_are_refused_but_a_rounds_are_noted() -> None:
    lines = tuple(
        replace(NURSES, name=f"line {i}") for i in range(MAX_SAMPLE_CELLS // MAX_SAMPLES + 1)
    )
    spread = RoundMonteCarlo(samples=MAX_SAMPLES, cost_uncertainty=Triangular(0.9, 1.0, 1.1))
    settings = BidAppraisalSettings(monte_carlo=spread)

    with pytest.raises(InvalidInput) as error:
        appraise_bid(bid(*lines), settings, MonteCarloRequest(samples=MAX_SAMPLES))
    noted = appraise_bid(bid(*lines), settings)

    assert error.value.field == "samples"
    assert noted.monte_carlo is None
    assert "settings.monte_carlo.samples" in {m.field for m in noted.missing}
