"""Criteria frameworks, weighted and combined scores, computed criteria and the value score."""

import datetime as dt
import math

import pytest

from bpv.errors import InvalidInput
from bpv.hypotheses import Baseline, SuccessHypothesis, TrajectoryPoint
from bpv.logic_model import (
    Direction,
    Evidence,
    EvidenceGrade,
    Indicator,
    Quality,
)
from bpv.scoring import (
    DEFAULT_BCR_BANDS,
    AssessorScores,
    BcrBand,
    Combination,
    ComputedMeasure,
    CriteriaFramework,
    Criterion,
    CriterionScore,
    CriterionSource,
    ReturnMeasure,
    Scale,
    ValueSettings,
    bcr_band,
    combine_assessments,
    computed_scores,
    value_score,
    weighted_score,
)

ZERO_TO_FIVE = Scale(0.0, 5.0)

FRAMEWORK = CriteriaFramework(
    version="2017-1",
    criteria=(
        Criterion("strategic_fit", "Strategic fit", 0.3, ZERO_TO_FIVE),
        Criterion("deliverability", "Deliverability", 0.2, ZERO_TO_FIVE),
        Criterion(
            "logic_model", "Logic model quality", 0.2, ZERO_TO_FIVE, CriterionSource.COMPUTED,
            ComputedMeasure.LOGIC_MODEL_QUALITY,
        ),
        Criterion("bcr_band", "Value for money", 0.3, ZERO_TO_FIVE, CriterionSource.COMPUTED),
    ),
)  # fmt: skip


def hypothesis(grade: EvidenceGrade, confidence: float) -> SuccessHypothesis:
    return SuccessHypothesis(
        indicator=Indicator("admissions", "a year", Direction.DECREASE),
        baseline=Baseline(100.0, dt.date(2017, 4, 1)),
        trajectory=(TrajectoryPoint(dt.date(2018, 4, 1), 90.0),),
        rationale="",
        evidence=Evidence("trial", grade),
        confidence=confidence,
        edge=("a", "b"),
    )


def scores(strategic_fit: float, deliverability: float) -> tuple[CriterionScore, ...]:
    return (
        CriterionScore("strategic_fit", strategic_fit),
        CriterionScore("deliverability", deliverability),
    )


def test_weighted_score_is_the_sum_of_its_terms() -> None:
    computed = computed_scores(FRAMEWORK, quality=Quality(0.8, ()), bcr=2.5)
    result = weighted_score(FRAMEWORK, scores(4.0, 3.0), computed)
    # 0.3 x 4 + 0.2 x 3 + 0.2 x (0.8 x 5) + 0.3 x (0.75 x 5)
    assert result.score == pytest.approx(1.2 + 0.6 + 0.8 + 1.125)
    assert [term.name for term in result.terms] == [
        "strategic_fit", "deliverability", "logic_model", "bcr_band"
    ]  # fmt: skip
    assert math.fsum(term.contribution for term in result.terms) == pytest.approx(result.score)
    bcr_term = result.terms[3]
    assert (bcr_term.weight, bcr_term.value) == (0.3, 3.75)
    assert "high" in bcr_term.detail


def test_assessors_are_combined_by_mean_or_median_per_criterion() -> None:
    assessments = [
        AssessorScores("ann", scores(4.0, 3.0)),
        AssessorScores("bo", scores(3.0, 3.0)),
        AssessorScores("cy", scores(2.0, 5.0)),
    ]
    values = computed_scores(FRAMEWORK, quality=Quality(0.8, ()), bcr=2.5)
    mean = combine_assessments(FRAMEWORK, assessments, values)
    median = combine_assessments(FRAMEWORK, assessments, values, combination=Combination.MEDIAN)
    fixed = 0.8 + 1.125
    assert mean.weighted_score == pytest.approx(0.3 * 3.0 + 0.2 * (11 / 3) + fixed)
    assert mean.weighted_score == pytest.approx(sum(a.score.score for a in mean.by_assessor) / 3)
    assert median.weighted_score == pytest.approx(0.3 * 3.0 + 0.2 * 3.0 + fixed)
    assert "median of 3 assessors" in median.terms[0].detail


def test_disagreement_beyond_the_threshold_is_flagged_for_moderation() -> None:
    values = computed_scores(FRAMEWORK, quality=Quality(0.8, ()), bcr=2.5)
    close = [AssessorScores("ann", scores(4.0, 3.0)), AssessorScores("bo", scores(3.5, 3.0))]
    apart = [AssessorScores("ann", scores(5.0, 3.0)), AssessorScores("bo", scores(1.0, 3.0))]
    assert not combine_assessments(FRAMEWORK, close, values).disagreement
    flagged = combine_assessments(FRAMEWORK, apart, values, disagreement_threshold=0.2)
    assert flagged.disagreement
    assert flagged.spread == pytest.approx(1.2)
    assert {d.criterion for d in flagged.disagreements} == {None, "strategic_fit"}


def test_evidence_strength_and_confidence_come_from_the_hypotheses() -> None:
    framework = CriteriaFramework(
        "1",
        (
            Criterion("evidence_strength", "Evidence", 0.5, Scale(1, 4), CriterionSource.COMPUTED),
            Criterion("confidence", "Confidence", 0.5, Scale(0, 10), CriterionSource.COMPUTED),
        ),
    )
    hypotheses = [hypothesis(EvidenceGrade.HIGH, 0.9), hypothesis(EvidenceGrade.LOW, 0.5)]
    values = computed_scores(framework, hypotheses=hypotheses)
    strength = values["evidence_strength"]
    assert strength.fraction == pytest.approx((1 + 1 / 3) / 2)
    assert strength.value == pytest.approx(1 + 3 * (2 / 3))
    assert values["confidence"].value == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("bcr", "band"),
    [(0.99, "poor"), (1.0, "low"), (1.5, "medium"), (2.0, "high"), (4.0, "high"),
     (4.01, "very_high"), (-3.0, "poor")],
)  # fmt: skip
def test_bcr_bands_follow_dft_value_for_money_categories(bcr: float, band: str) -> None:
    chosen = bcr_band(bcr)
    assert chosen is not None
    assert chosen.name == band


def test_an_undefined_bcr_has_no_band() -> None:
    assert bcr_band(None) is None


def test_value_score_combines_quality_and_return_with_its_terms() -> None:
    result = value_score(FRAMEWORK, weighted=3.0, bcr=1.7)
    quality, returns = result.terms
    assert quality.value == pytest.approx(0.6)
    assert returns.value == 0.5
    assert result.score == pytest.approx(0.5 * 0.6 + 0.5 * 0.5)
    linear = ValueSettings(0.25, 0.75, ReturnMeasure.BCR_LINEAR, bcr_cap=4.0)
    assert value_score(FRAMEWORK, 3.0, 2.0, linear).score == pytest.approx(0.25 * 0.6 + 0.75 * 0.5)


def test_custom_bands_place_a_bcr_on_the_scale() -> None:
    bands = (BcrBand("below par", -math.inf, 0.0), BcrBand("good", 1.2, 1.0))
    framework = CriteriaFramework(
        "1", (Criterion("bcr_band", "VfM", 1.0, Scale(1, 3), CriterionSource.COMPUTED),)
    )
    assert computed_scores(framework, bcr=1.3, bcr_bands=bands)["bcr_band"].value == 3.0
    assert computed_scores(framework, bcr=1.1, bcr_bands=bands)["bcr_band"].value == 1.0


def criterion(key: str = "a", weight: float = 1.0, scale: Scale = ZERO_TO_FIVE) -> Criterion:
    return Criterion(key, key, weight, scale)


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ((criterion("a", 0.5), criterion("b", 0.4)), "criteria"),
        ((criterion("a", 0.5), criterion("a", 0.5)), "criteria[1].key"),
        ((criterion(scale=Scale(5.0, 5.0)),), "criteria[0].scale"),
        ((criterion(weight=1.2),), "criteria[0].weight"),
        ((), "criteria"),
        (
            (Criterion("fit", "Fit", 1.0, ZERO_TO_FIVE, CriterionSource.COMPUTED),),
            "criteria[0].measure",
        ),
    ],
)
def test_bad_frameworks_are_rejected(criteria: tuple[Criterion, ...], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        CriteriaFramework("1", criteria)
    assert error.value.field == field


def test_weights_summing_to_one_within_rounding_are_accepted() -> None:
    thirds = tuple(criterion(key, 1 / 3) for key in "abc")
    assert len(CriteriaFramework("1", thirds).criteria) == 3


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ((CriterionScore("strategic_fit", 6.0), CriterionScore("deliverability", 3.0)),
         "scores[0].score"),
        ((CriterionScore("strategic_fit", 4.0),), "scores"),
        ((CriterionScore("strategic_fit", 4.0), CriterionScore("deliverability", 3.0),
          CriterionScore("nonsense", 1.0)), "scores[2].criterion"),
        ((CriterionScore("strategic_fit", 4.0), CriterionScore("deliverability", 3.0),
          CriterionScore("bcr_band", 1.0)), "scores[2].criterion"),
    ],
)  # fmt: skip
def test_bad_scores_are_named(given: tuple[CriterionScore, ...], field: str) -> None:
    values = computed_scores(FRAMEWORK, quality=Quality(0.8, ()), bcr=2.5)
    with pytest.raises(InvalidInput) as error:
        weighted_score(FRAMEWORK, given, values)
    assert error.value.field == field


def test_bands_must_rise() -> None:
    bands = (*DEFAULT_BCR_BANDS, BcrBand("odd", 0.5, 0.1))
    with pytest.raises(InvalidInput) as error:
        value_score(FRAMEWORK, 3.0, 2.0, ValueSettings(bcr_bands=bands))
    assert error.value.field == "value.bcr_bands[5].lower"
