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
    ReturnFigures,
    ReturnMeasure,
    ReturnScaling,
    Scale,
    ValueSettings,
    bcr_band,
    check_return_counted_once,
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


def test_assessors_are_combined_by_the_mean_or_median_of_their_weighted_scores() -> None:
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
    # Assessors' weighted scores less the computed part: ann 1.8, bo 1.5, cy 1.6; cy's stands.
    assert median.weighted_score == pytest.approx(0.3 * 2.0 + 0.2 * 5.0 + fixed)
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
    result = value_score(FRAMEWORK, weighted=3.0, returns=1.7)
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


TWO_CRITERIA = CriteriaFramework(
    "1", (criterion("impact", 0.6), criterion("reach", 0.4))
)  # fmt: skip


def assessor(name: str, impact: float, reach: float) -> AssessorScores:
    return AssessorScores(
        name, (CriterionScore("impact", impact), CriterionScore("reach", reach))
    )  # fmt: skip


def test_the_median_is_the_median_assessors_weighted_score_not_per_criterion_medians() -> None:
    # Weighted: ann 0.6 x 5 + 0.4 x 1 = 3.4, bo 0.6 x 2 + 0.4 x 5 = 3.2, cy 0.6 x 3 + 0.4 x 2 = 2.6.
    # Per-criterion medians (3, 2) would give 2.6; the median assessor, bo, gives 3.2.
    three = [assessor("ann", 5, 1), assessor("bo", 2, 5), assessor("cy", 3, 2)]
    mean = combine_assessments(TWO_CRITERIA, three)
    median = combine_assessments(TWO_CRITERIA, three, combination=Combination.MEDIAN)
    assert mean.weighted_score == pytest.approx(9.2 / 3)
    assert median.weighted_score == pytest.approx(3.2)
    assert [t.contribution for t in median.terms] == pytest.approx([1.2, 2.0])
    assert "'bo'" in median.terms[0].detail


def test_an_even_median_averages_the_two_middle_assessors_term_by_term() -> None:
    # dee 0.6 x 0 + 0.4 x 4 = 1.6: the middle two are cy 2.6 and bo 3.2, median 2.9
    # (per-criterion medians 2.5 and 3 would give 2.7).
    four = [
        assessor("ann", 5, 1),
        assessor("bo", 2, 5),
        assessor("cy", 3, 2),
        assessor("dee", 0, 4),
    ]
    median = combine_assessments(TWO_CRITERIA, four, combination=Combination.MEDIAN)
    assert median.weighted_score == pytest.approx(2.9)
    assert [t.value for t in median.terms] == pytest.approx([2.5, 3.5])
    assert math.fsum(t.contribution for t in median.terms) == pytest.approx(median.weighted_score)


def test_return_is_refused_twice_when_a_criterion_already_scores_it() -> None:
    with pytest.raises(InvalidInput) as error:
        check_return_counted_once(FRAMEWORK, ValueSettings(0.6, 0.4))
    assert error.value.field == "settings.value.return_weight"
    assert "'bcr_band'" in error.value.message
    check_return_counted_once(FRAMEWORK, ValueSettings(1.0, 0.0))
    check_return_counted_once(TWO_CRITERIA, ValueSettings(0.6, 0.4))


ROI = ValueSettings(0.5, 0.5, ReturnMeasure.CASH_RELEASING_ROI, roi_cap=1.0)
NPSV_PER_POUND = ValueSettings(0.5, 0.5, ReturnMeasure.NPSV_PER_POUND, npsv_per_pound_cap=3.0)


def returns(
    roi: float | None = None, npsv: float | None = None, asked: float = 1e6
) -> ReturnFigures:
    return ReturnFigures(bcr=None, cash_releasing_roi=roi, npsv=npsv, requested_funding=asked)


@pytest.mark.parametrize(
    ("figures", "settings", "expected"),
    [
        (returns(roi=0.5), ROI, 0.75),  # (0.5 + 1) / (1 + 1)
        (returns(roi=-1.5), ROI, 0.0),
        (returns(roi=2.0), ROI, 1.0),
        (returns(roi=None), ROI, 0.0),
        (returns(npsv=1.5e6), NPSV_PER_POUND, 0.5),  # £1.50 a pound over a cap of 3
        (returns(npsv=-2e5), NPSV_PER_POUND, 0.0),
        (returns(npsv=1.5e6, asked=0.0), NPSV_PER_POUND, 0.0),
    ],
)
def test_fixed_scaling_places_roi_and_npsv_per_pound_by_their_caps(
    figures: ReturnFigures, settings: ValueSettings, expected: float
) -> None:
    result = value_score(TWO_CRITERIA, 2.5, figures, settings)
    assert result.terms[1].value == pytest.approx(expected)
    assert result.score == pytest.approx(0.5 * 0.5 + 0.5 * expected)


def test_round_scaling_places_the_measure_between_the_rounds_lowest_and_highest() -> None:
    round_roi = ValueSettings(
        0.5, 0.5, ReturnMeasure.CASH_RELEASING_ROI, return_scaling=ReturnScaling.ROUND
    )
    # ROI 0.3 on a round from -0.2 to 0.8 sits halfway.
    middle = value_score(TWO_CRITERIA, 2.5, returns(roi=0.3), round_roi, return_range=(-0.2, 0.8))
    assert middle.terms[1].value == pytest.approx(0.5)
    round_npsv = ValueSettings(
        0.5, 0.5, ReturnMeasure.NPSV_PER_POUND, return_scaling=ReturnScaling.ROUND
    )
    # £2 a pound on a round from £0.50 to £4.50.
    npsv = value_score(TWO_CRITERIA, 2.5, returns(npsv=4e6, asked=2e6), round_npsv,
                       return_range=(0.5, 4.5))  # fmt: skip
    assert npsv.terms[1].value == pytest.approx(0.375)
    alike = value_score(TWO_CRITERIA, 2.5, returns(roi=0.3), round_roi, return_range=(0.3, 0.3))
    assert alike.terms[1].value == 1.0
    assert (
        value_score(TWO_CRITERIA, 2.5, returns(), round_roi, return_range=(0.3, 0.3)).terms[1].value
        == 0.0
    )
    unranged = value_score(TWO_CRITERIA, 2.5, returns(roi=0.5), round_roi)
    assert unranged.terms[1].value == pytest.approx(0.75)
    assert "fixed rule" in unranged.terms[1].detail


def test_a_bcr_alone_cannot_score_a_measure_that_needs_more() -> None:
    with pytest.raises(InvalidInput) as error:
        value_score(TWO_CRITERIA, 2.5, 1.8, ROI)
    assert error.value.field == "returns"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (ValueSettings(roi_cap=0.0), "settings.value.roi_cap"),
        (ValueSettings(npsv_per_pound_cap=math.nan), "settings.value.npsv_per_pound_cap"),
    ],
)
def test_bad_caps_are_named(settings: ValueSettings, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        settings.validate("settings.value")
    assert error.value.field == field
