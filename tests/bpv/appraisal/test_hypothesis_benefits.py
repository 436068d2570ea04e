"""Monetised benefit flows from success hypotheses, traceable to the hypothesis claiming them."""

import datetime as dt
from dataclasses import replace

import pytest

from bpv.appraisal import (
    AppraisalSettings,
    HypothesisUncertainty,
    InputKind,
    Normal,
    Triangular,
    UncertainInput,
    Uniform,
    appraise,
    benefit_lines_from_hypotheses,
    benefits_from_hypothesis,
    financial_year,
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

FEWER_ADMISSIONS = SuccessHypothesis(
    indicator=Indicator("emergency admissions", "admissions a year", Direction.DECREASE),
    baseline=Baseline(1000.0, dt.date(2017, 3, 31)),
    trajectory=(
        TrajectoryPoint(dt.date(2019, 3, 31), 900.0),
        TrajectoryPoint(dt.date(2020, 3, 31), 850.0),
    ),
    rationale="Community respiratory teams treat exacerbations at home.",
    evidence=Evidence("NICE NG115 evaluation", EvidenceGrade.MODERATE),
    confidence=0.8,
    edge=("respiratory_team", "fewer_admissions"),
    monetisation=Monetisation(2000.0, BenefitType.CASH_RELEASING),
    additionality=Additionality(deadweight=0.2, drop_off=0.5),
)


def test_financial_years_start_in_april() -> None:
    assert financial_year(dt.date(2018, 3, 31)) == 2017
    assert financial_year(dt.date(2018, 4, 1)) == 2018


def test_indicator_change_is_read_at_each_financial_year_end_and_monetised() -> None:
    benefits = benefits_from_hypothesis(
        FEWER_ADMISSIONS, source="H1 respiratory_team->fewer_admissions", base_year=2017
    )
    # 31 March 2018 is half-way from the baseline to the first point: 950 admissions.
    assert [(f.year, f.indicator_value, f.improvement) for f in benefits.flows] == [
        (2017, 950.0, 50.0),
        (2018, 900.0, 100.0),
        (2019, 850.0, 150.0),
    ]
    assert [f.gross for f in benefits.flows] == [100_000.0, 200_000.0, 300_000.0]
    assert [f.net for f in benefits.flows] == pytest.approx([80_000.0, 160_000.0, 240_000.0])


def test_an_increase_indicator_improves_upwards() -> None:
    more_at_home = replace(
        FEWER_ADMISSIONS,
        indicator=Indicator("people at home 91 days after discharge", "%", Direction.INCREASE),
        baseline=Baseline(80.0, dt.date(2017, 3, 31)),
        trajectory=(TrajectoryPoint(dt.date(2018, 3, 31), 85.0),),
    )
    benefits = benefits_from_hypothesis(more_at_home, source="H2", base_year=2017)
    assert [f.improvement for f in benefits.flows] == [5.0]


def test_the_effect_persists_after_the_trajectory_with_drop_off() -> None:
    benefits = benefits_from_hypothesis(
        FEWER_ADMISSIONS, source="H1", base_year=2017, persistence_years=2
    )
    persisting = [(f.year, f.gross) for f in benefits.flows if f.persisting]
    # The last trajectory year is the first year of the effect: then x 0.5, x 0.25.
    assert persisting == [(2020, 150_000.0), (2021, 75_000.0)]


def test_confidence_weighting_scales_the_claim() -> None:
    weighted = benefits_from_hypothesis(
        FEWER_ADMISSIONS, source="H1", base_year=2017, confidence_weighted=True
    )
    assert weighted.confidence_weight == 0.8
    assert [f.gross for f in weighted.flows] == pytest.approx([80_000.0, 160_000.0, 240_000.0])


def test_each_benefit_line_carries_its_hypothesis_label_into_the_appraisal() -> None:
    settings = AppraisalSettings(base_year=2017, confidence_weighted=True)
    lines = benefit_lines_from_hypotheses(
        {
            "H1 respiratory_team->fewer_admissions": FEWER_ADMISSIONS,
            "H3 unmonetised": replace(FEWER_ADMISSIONS, monetisation=None),
        },
        settings,
    )
    assert [line.source for line in lines] == ["H1 respiratory_team->fewer_admissions"]
    appraisal = appraise([], lines, settings)
    (line,) = appraisal.lines
    assert line.source == "H1 respiratory_team->fewer_admissions"
    expected = sum(0.8 * 0.8 * g * 1.035**-t for t, g in [(0, 1e5), (1, 2e5), (2, 3e5)])
    assert appraisal.pv_benefits == pytest.approx(expected)
    assert line.additionality_factor == pytest.approx(0.8)


def test_an_uncertain_confidence_is_an_input_of_the_line_in_confidence_units() -> None:
    benefits = benefits_from_hypothesis(
        FEWER_ADMISSIONS,
        source="H1",
        base_year=2017,
        confidence_weighted=True,
        uncertainty=HypothesisUncertainty(confidence=Triangular(0.6, 0.8, 0.9)),
    )
    assert benefits.inputs == (
        UncertainInput(InputKind.CONFIDENCE, 0.8, Triangular(0.6, 0.8, 0.9)),
    )
    assert benefits.benefit_line().inputs == benefits.inputs


@pytest.mark.parametrize(
    ("uncertainty", "field"),
    [
        (
            HypothesisUncertainty(value_per_unit=Uniform(-1.0, 1.0)),
            "hypothesis.monetisation.value_per_unit_uncertainty",
        ),
        (
            HypothesisUncertainty(deadweight=Normal(0.2, 0.1)),
            "hypothesis.additionality.deadweight_uncertainty",
        ),
        (
            HypothesisUncertainty(attribution=Uniform(0.5, 1.2)),
            "hypothesis.additionality.attribution_uncertainty",
        ),
    ],
)
def test_an_uncertain_share_must_stay_a_fraction_and_a_value_needs_a_point(
    uncertainty: HypothesisUncertainty, field: str
) -> None:
    hypothesis = replace(FEWER_ADMISSIONS, monetisation=Monetisation(0.0, BenefitType.SOCIETAL))
    if uncertainty.value_per_unit is None:
        hypothesis = FEWER_ADMISSIONS
    with pytest.raises(InvalidInput) as error:
        benefits_from_hypothesis(hypothesis, source="H1", base_year=2017, uncertainty=uncertainty)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("hypothesis", "kwargs", "field"),
    [
        (replace(FEWER_ADMISSIONS, monetisation=None), {}, "hypothesis.monetisation"),
        (replace(FEWER_ADMISSIONS, trajectory=()), {}, "hypothesis.trajectory"),
        (replace(FEWER_ADMISSIONS, confidence=1.2), {}, "hypothesis.confidence"),
        (
            replace(FEWER_ADMISSIONS, additionality=Additionality(deadweight=-0.1)),
            {},
            "hypothesis.additionality.deadweight",
        ),
        (
            replace(FEWER_ADMISSIONS, trajectory=tuple(reversed(FEWER_ADMISSIONS.trajectory))),
            {},
            "hypothesis.trajectory[1].date",
        ),
        (FEWER_ADMISSIONS, {"base_year": 2019}, "hypothesis.trajectory[0].date"),
        (FEWER_ADMISSIONS, {"persistence_years": -1}, "persistence_years"),
        (
            FEWER_ADMISSIONS,
            {"uncertainty": HypothesisUncertainty(confidence=Triangular(0.6, 0.8, 0.9))},
            "hypothesis.confidence_uncertainty",
        ),
    ],
)
def test_bad_hypotheses_are_named(
    hypothesis: SuccessHypothesis, kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {"source": "H1", "base_year": 2017, **kwargs}
    with pytest.raises(InvalidInput) as error:
        benefits_from_hypothesis(hypothesis, **arguments)  # type: ignore[arg-type]
    assert error.value.field == field
