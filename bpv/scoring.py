"""Quality and value scores of bids against a round's criteria framework (SPEC 4.8).

Every score comes with its terms (name, weight, value, contribution) that add up to it, so a
panel can explain a decision.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.validation import require_finite, require_fraction
from bpv.errors import InvalidInput
from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import EvidenceGrade, Quality

WEIGHT_TOLERANCE = 1e-9


class CriterionSource(StrEnum):
    ASSESSOR = "assessor"
    COMPUTED = "computed"


class ComputedMeasure(StrEnum):
    """What a computed criterion is computed from."""

    LOGIC_MODEL_QUALITY = "logic_model_quality"
    EVIDENCE_STRENGTH = "evidence_strength"
    CONFIDENCE = "confidence"
    BCR_BAND = "bcr_band"


class Combination(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"


EVIDENCE_STRENGTH = {
    EvidenceGrade.HIGH: 1.0,
    EvidenceGrade.MODERATE: 2.0 / 3.0,
    EvidenceGrade.LOW: 1.0 / 3.0,
    EvidenceGrade.VERY_LOW: 0.0,
}
"""GRADE certainty as a fraction of the scale."""


@dataclass(frozen=True)
class Scale:
    min: float
    max: float

    def from_fraction(self, fraction: float) -> float:
        return self.min + fraction * (self.max - self.min)

    def to_fraction(self, value: float) -> float:
        return (value - self.min) / (self.max - self.min)


@dataclass(frozen=True)
class Criterion:
    """A computed criterion names its `measure`; when omitted, a key that is a measure's name
    (e.g. "bcr_band") stands for it."""

    key: str
    name: str
    weight: float
    scale: Scale
    source: CriterionSource = CriterionSource.ASSESSOR
    measure: ComputedMeasure | None = None

    @property
    def computed_measure(self) -> ComputedMeasure | None:
        if self.source is CriterionSource.ASSESSOR:
            return None
        if self.measure is not None:
            return self.measure
        return ComputedMeasure(self.key) if self.key in set(ComputedMeasure) else None


@dataclass(frozen=True)
class CriteriaFramework:
    """Versioned criteria whose weights sum to 1; checked when built."""

    version: str
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        if not self.criteria:
            raise InvalidInput("a framework needs at least one criterion", "criteria")
        keys: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            at = f"criteria[{index}]"
            if criterion.key in keys:
                raise InvalidInput(f"criterion key {criterion.key!r} is repeated", f"{at}.key")
            keys.add(criterion.key)
            require_fraction(criterion.weight, f"{at}.weight")
            low = require_finite(criterion.scale.min, f"{at}.scale.min")
            high = require_finite(criterion.scale.max, f"{at}.scale.max")
            if not low < high:
                raise InvalidInput("a scale's min must be below its max", f"{at}.scale")
            if criterion.source is CriterionSource.COMPUTED and criterion.computed_measure is None:
                known = ", ".join(ComputedMeasure)
                raise InvalidInput(
                    f"computed criterion {criterion.key!r} needs a measure ({known})",
                    f"{at}.measure",
                )
        total = math.fsum(criterion.weight for criterion in self.criteria)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidInput(f"criteria weights sum to {total}, not 1", "criteria")

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    @property
    def weighted_scale(self) -> Scale:
        """The range a weighted score can take: sum(weight x min) to sum(weight x max)."""
        return Scale(
            math.fsum(c.weight * c.scale.min for c in self.criteria),
            math.fsum(c.weight * c.scale.max for c in self.criteria),
        )


@dataclass(frozen=True)
class ScoreTerm:
    """contribution = weight x value; a score is the sum of its terms' contributions."""

    name: str
    weight: float
    value: float
    contribution: float
    detail: str = ""


@dataclass(frozen=True)
class WeightedScore:
    score: float
    terms: tuple[ScoreTerm, ...]


def _weighted(terms: Sequence[ScoreTerm]) -> WeightedScore:
    return WeightedScore(math.fsum(term.contribution for term in terms), tuple(terms))


@dataclass(frozen=True)
class CriterionScore:
    """An assessor's score on one criterion, on that criterion's scale."""

    criterion: str
    score: float


@dataclass(frozen=True)
class AssessorScores:
    assessor: str
    scores: tuple[CriterionScore, ...]


@dataclass(frozen=True)
class ComputedScore:
    """A computed criterion's value on its scale, the [0, 1] fraction behind it, and why."""

    criterion: str
    value: float
    fraction: float
    detail: str

    @classmethod
    def placed(cls, criterion: Criterion, fraction: float, detail: str) -> ComputedScore:
        """A [0, 1] fraction placed on the criterion's own scale."""
        return cls(criterion.key, criterion.scale.from_fraction(fraction), fraction, detail)


def _assessor_values(
    framework: CriteriaFramework, scores: Sequence[CriterionScore], field_name: str
) -> dict[str, float]:
    values: dict[str, float] = {}
    for index, item in enumerate(scores):
        at = f"{field_name}[{index}]"
        try:
            criterion = framework.criterion(item.criterion)
        except KeyError:
            raise InvalidInput(f"unknown criterion {item.criterion!r}", f"{at}.criterion") from None
        if criterion.source is CriterionSource.COMPUTED:
            raise InvalidInput(
                f"criterion {criterion.key!r} is computed, not scored by assessors",
                f"{at}.criterion",
            )
        if criterion.key in values:
            raise InvalidInput(f"criterion {criterion.key!r} is scored twice", f"{at}.criterion")
        score = require_finite(item.score, f"{at}.score")
        if not criterion.scale.min <= score <= criterion.scale.max:
            raise InvalidInput(
                f"score {score} is off the scale {criterion.scale.min} to {criterion.scale.max}",
                f"{at}.score",
            )
        values[criterion.key] = score
    missing = [
        c.key
        for c in framework.criteria
        if c.source is CriterionSource.ASSESSOR and c.key not in values
    ]
    if missing:
        raise InvalidInput(f"no score for criteria: {', '.join(missing)}", field_name)
    return values


def _computed_values(
    framework: CriteriaFramework, computed: Mapping[str, ComputedScore]
) -> dict[str, ComputedScore]:
    values = {}
    for criterion in framework.criteria:
        if criterion.source is CriterionSource.COMPUTED:
            if criterion.key not in computed:
                raise InvalidInput(
                    f"no computed value for criterion {criterion.key!r}",
                    f"computed.{criterion.key}",
                )
            values[criterion.key] = computed[criterion.key]
    return values


def _criterion_terms(
    framework: CriteriaFramework,
    assessed: Mapping[str, float],
    computed: Mapping[str, ComputedScore],
    assessed_detail: str,
) -> list[ScoreTerm]:
    terms = []
    for criterion in framework.criteria:
        if criterion.source is CriterionSource.COMPUTED:
            value, detail = computed[criterion.key].value, computed[criterion.key].detail
        else:
            value, detail = assessed[criterion.key], assessed_detail
        terms.append(
            ScoreTerm(criterion.key, criterion.weight, value, criterion.weight * value, detail)
        )
    return terms


def weighted_score(
    framework: CriteriaFramework,
    scores: Sequence[CriterionScore],
    computed: Mapping[str, ComputedScore] | None = None,
    *,
    field_name: str = "scores",
) -> WeightedScore:
    """One assessor's sum(weight x score), computed criteria taking their computed values."""
    assessed = _assessor_values(framework, scores, field_name)
    computed_values = _computed_values(framework, computed or {})
    return _weighted(_criterion_terms(framework, assessed, computed_values, "assessor score"))


@dataclass(frozen=True)
class AssessorWeightedScore:
    assessor: str
    score: WeightedScore


@dataclass(frozen=True)
class Disagreement:
    """Assessors' spread (max - min) on one criterion, or on the weighted score when
    `criterion` is None; `relative_spread` is the spread over the scale's range."""

    criterion: str | None
    spread: float
    relative_spread: float


@dataclass(frozen=True)
class CombinedScore:
    """Assessors combined per criterion (mean or median), then weighted.

    With the mean this equals the mean of the assessors' weighted scores; with the median it
    is the weighted sum of per-criterion medians, so its terms still add up to it.
    """

    weighted_score: float
    terms: tuple[ScoreTerm, ...]
    by_assessor: tuple[AssessorWeightedScore, ...]
    combination: Combination
    spread: float
    disagreement: bool
    disagreements: tuple[Disagreement, ...]


def combine_assessments(
    framework: CriteriaFramework,
    assessments: Sequence[AssessorScores],
    computed: Mapping[str, ComputedScore] | None = None,
    *,
    combination: Combination = Combination.MEAN,
    disagreement_threshold: float = 0.2,
) -> CombinedScore:
    """The bid's weighted score across assessors, flagging disagreement for moderation.

    Disagreement is flagged where the assessors' spread exceeds `disagreement_threshold` as a
    fraction of the scale's range, on the weighted score or on any assessed criterion.
    """
    threshold = require_fraction(disagreement_threshold, "disagreement_threshold")
    computed_values = _computed_values(framework, computed or {})
    assessed_criteria = [c for c in framework.criteria if c.source is CriterionSource.ASSESSOR]
    if assessed_criteria and not assessments:
        raise InvalidInput("no assessor has scored this bid", "assessments")
    per_assessor = [
        _assessor_values(framework, item.scores, f"assessments[{index}].scores")
        for index, item in enumerate(assessments)
    ]
    by_assessor = tuple(
        AssessorWeightedScore(
            item.assessor,
            _weighted(_criterion_terms(framework, values, computed_values, "assessor score")),
        )
        for item, values in zip(assessments, per_assessor, strict=True)
    )
    combine = statistics.fmean if combination is Combination.MEAN else statistics.median
    combined = {
        c.key: float(combine([values[c.key] for values in per_assessor])) for c in assessed_criteria
    }
    detail = f"{combination} of {len(assessments)} assessors"
    terms = _criterion_terms(framework, combined, computed_values, detail)

    disagreements = []
    scores = [item.score.score for item in by_assessor]
    spread = max(scores) - min(scores) if scores else 0.0
    weighted_range = framework.weighted_scale.max - framework.weighted_scale.min
    if spread / weighted_range > threshold:
        disagreements.append(Disagreement(None, spread, spread / weighted_range))
    for criterion in assessed_criteria:
        values = [scored[criterion.key] for scored in per_assessor]
        criterion_spread = max(values) - min(values)
        relative = criterion_spread / (criterion.scale.max - criterion.scale.min)
        if relative > threshold:
            disagreements.append(Disagreement(criterion.key, criterion_spread, relative))
    return CombinedScore(
        weighted_score=_weighted(terms).score,
        terms=tuple(terms),
        by_assessor=by_assessor,
        combination=combination,
        spread=spread,
        disagreement=bool(disagreements),
        disagreements=tuple(disagreements),
    )


def logic_model_quality_score(quality: Quality, criterion: Criterion) -> ComputedScore:
    """The logic model's quality score in [0, 1], placed on the criterion's scale."""
    fraction = require_fraction(quality.score, "quality.score")
    return ComputedScore.placed(
        criterion, fraction, f"logic-model quality {fraction:.3f} from its validation findings"
    )


def evidence_strength_score(
    hypotheses: Sequence[SuccessHypothesis], criterion: Criterion
) -> ComputedScore:
    """Mean GRADE certainty of the hypotheses' evidence: high 1, moderate 2/3, low 1/3,
    very low 0; a bid with no hypotheses has no evidence (0)."""
    fraction = (
        statistics.fmean(EVIDENCE_STRENGTH[h.evidence.grade] for h in hypotheses)
        if hypotheses
        else 0.0
    )
    return ComputedScore.placed(
        criterion,
        fraction,
        f"mean evidence strength {fraction:.3f} over {len(hypotheses)} hypotheses",
    )


def confidence_score(
    hypotheses: Sequence[SuccessHypothesis], criterion: Criterion
) -> ComputedScore:
    """Mean stated confidence of the hypotheses (0 when there are none)."""
    fraction = (
        statistics.fmean(
            require_fraction(h.confidence, f"hypotheses[{index}].confidence")
            for index, h in enumerate(hypotheses)
        )
        if hypotheses
        else 0.0
    )
    return ComputedScore.placed(
        criterion, fraction, f"mean confidence {fraction:.3f} over {len(hypotheses)} hypotheses"
    )


@dataclass(frozen=True)
class BcrBand:
    """Bids with BCR from `lower` (inclusive unless `lower_inclusive` is False) up to the next
    band's lower bound; `value` places the band on a [0, 1] scale."""

    name: str
    lower: float
    value: float
    lower_inclusive: bool = True


DEFAULT_BCR_BANDS = (
    BcrBand("poor", -math.inf, 0.0),
    BcrBand("low", 1.0, 0.25),
    BcrBand("medium", 1.5, 0.5),
    BcrBand("high", 2.0, 0.75),
    BcrBand("very_high", 4.0, 1.0, lower_inclusive=False),
)
"""DfT value-for-money categories: below 1 poor, 1-1.5 low, 1.5-2 medium, 2-4 high, above 4
very high."""


def check_bcr_bands(bands: Sequence[BcrBand], field_name: str = "bcr_bands") -> None:
    if not bands:
        raise InvalidInput("at least one BCR band is needed", field_name)
    previous = -math.inf
    for index, band in enumerate(bands):
        at = f"{field_name}[{index}]"
        require_fraction(band.value, f"{at}.value")
        if index == 0:
            continue
        lower = require_finite(band.lower, f"{at}.lower")
        if lower <= previous:
            raise InvalidInput("band lower bounds must increase", f"{at}.lower")
        previous = lower


def bcr_band(bcr: float | None, bands: Sequence[BcrBand] = DEFAULT_BCR_BANDS) -> BcrBand | None:
    """The band a BCR falls in; None when the BCR is undefined (no costs)."""
    if bcr is None:
        return None
    check_bcr_bands(bands)
    chosen = bands[0]
    for band in bands[1:]:
        if bcr > band.lower or (band.lower_inclusive and bcr == band.lower):
            chosen = band
    return chosen


def bcr_band_score(
    bcr: float | None, criterion: Criterion, bands: Sequence[BcrBand] = DEFAULT_BCR_BANDS
) -> ComputedScore:
    """The BCR's band placed on the criterion's scale; an undefined BCR scores the minimum."""
    band = bcr_band(bcr, bands)
    if band is None:
        return ComputedScore(criterion.key, criterion.scale.min, 0.0, "BCR undefined (no costs)")
    return ComputedScore.placed(criterion, band.value, f"BCR {bcr:.2f} is in band {band.name}")


def computed_scores(
    framework: CriteriaFramework,
    *,
    quality: Quality | None = None,
    hypotheses: Sequence[SuccessHypothesis] = (),
    bcr: float | None = None,
    bcr_bands: Sequence[BcrBand] = DEFAULT_BCR_BANDS,
) -> dict[str, ComputedScore]:
    """Values for every computed criterion of a framework, by criterion key."""
    scores = {}
    for criterion in framework.criteria:
        measure = criterion.computed_measure
        if measure is ComputedMeasure.LOGIC_MODEL_QUALITY:
            if quality is None:
                raise InvalidInput("logic-model quality is needed", f"computed.{criterion.key}")
            scores[criterion.key] = logic_model_quality_score(quality, criterion)
        elif measure is ComputedMeasure.EVIDENCE_STRENGTH:
            scores[criterion.key] = evidence_strength_score(hypotheses, criterion)
        elif measure is ComputedMeasure.CONFIDENCE:
            scores[criterion.key] = confidence_score(hypotheses, criterion)
        elif measure is ComputedMeasure.BCR_BAND:
            scores[criterion.key] = bcr_band_score(bcr, criterion, bcr_bands)
    return scores


class ReturnMeasure(StrEnum):
    BCR_BAND = "bcr_band"
    BCR_LINEAR = "bcr_linear"


@dataclass(frozen=True)
class ValueSettings:
    """How a round turns quality and return into the value score that ranks bids.

    value = quality_weight x normalised weighted score + return_weight x normalised return,
    where the return is the BCR band's value, or for `bcr_linear` min(max(BCR, 0) / bcr_cap, 1).
    """

    quality_weight: float = 0.5
    return_weight: float = 0.5
    return_measure: ReturnMeasure = ReturnMeasure.BCR_BAND
    bcr_bands: tuple[BcrBand, ...] = DEFAULT_BCR_BANDS
    bcr_cap: float = 4.0

    def validate(self, field_name: str = "value") -> None:
        quality = require_fraction(self.quality_weight, f"{field_name}.quality_weight")
        returns = require_fraction(self.return_weight, f"{field_name}.return_weight")
        if abs(quality + returns - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidInput("quality and return weights must sum to 1", field_name)
        check_bcr_bands(self.bcr_bands, f"{field_name}.bcr_bands")
        if require_finite(self.bcr_cap, f"{field_name}.bcr_cap") <= 0.0:
            raise InvalidInput("bcr_cap must be positive", f"{field_name}.bcr_cap")


def value_score(
    framework: CriteriaFramework,
    weighted: float,
    bcr: float | None,
    settings: ValueSettings | None = None,
) -> WeightedScore:
    """The value score in [0, 1] with its two terms, quality and return."""
    settings = settings or ValueSettings()
    settings.validate()
    scale = framework.weighted_scale
    quality = scale.to_fraction(require_finite(weighted, "weighted_score"))
    if not -WEIGHT_TOLERANCE <= quality <= 1.0 + WEIGHT_TOLERANCE:
        raise InvalidInput(
            f"weighted score {weighted} is outside {scale.min} to {scale.max}", "weighted_score"
        )
    quality_term = ScoreTerm(
        "quality",
        settings.quality_weight,
        quality,
        settings.quality_weight * quality,
        f"weighted score {weighted:.3f} on {scale.min:g} to {scale.max:g}",
    )
    if bcr is None:
        returns, detail = 0.0, "BCR undefined (no costs)"
    elif settings.return_measure is ReturnMeasure.BCR_LINEAR:
        returns = min(max(bcr, 0.0) / settings.bcr_cap, 1.0)
        detail = f"BCR {bcr:.2f} over a cap of {settings.bcr_cap:g}"
    else:
        band = bcr_band(bcr, settings.bcr_bands)
        assert band is not None
        returns, detail = band.value, f"BCR {bcr:.2f} is in band {band.name}"
    return_term = ScoreTerm(
        "return", settings.return_weight, returns, settings.return_weight * returns, detail
    )
    return _weighted([quality_term, return_term])
