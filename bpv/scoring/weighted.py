"""Assessors' scores: one assessor's weighted score, and several combined, disagreement flagged."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.validation import require_finite, require_fraction
from bpv.errors import InvalidInput
from bpv.scoring.computed import ComputedScore
from bpv.scoring.framework import CriteriaFramework, CriterionSource, ScoreTerm, WeightedScore

DEFAULT_DISAGREEMENT_TOLERANCE = 0.2
"""Assessors' spread, as a fraction of the scale's range, beyond which a bid goes to moderation."""


class Combination(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"


@dataclass(frozen=True)
class CriterionScore:
    """An assessor's score on one criterion, on that criterion's scale."""

    criterion: str
    score: float


@dataclass(frozen=True)
class AssessorScores:
    assessor: str
    scores: tuple[CriterionScore, ...]


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
    return WeightedScore.of_terms(
        _criterion_terms(framework, assessed, computed_values, "assessor score")
    )


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
    """The assessors' weighted scores combined (SPEC 4.8): their mean, or their median.

    With the mean each term is the criterion's mean score. With the median the terms are the
    median assessor's (an odd count) or the mean of the two middle assessors' (an even count),
    so the terms still add up to the median weighted score.
    """

    weighted_score: float
    terms: tuple[ScoreTerm, ...]
    by_assessor: tuple[AssessorWeightedScore, ...]
    combination: Combination
    spread: float
    disagreement: bool
    disagreements: tuple[Disagreement, ...]


def _median_assessor_terms(
    framework: CriteriaFramework, by_assessor: Sequence[AssessorWeightedScore]
) -> list[ScoreTerm]:
    """The terms of the median weighted score: the middle assessor's, or criterion by criterion
    the mean of the two middle assessors' terms. Equal scores keep the assessors' given order."""
    ranked = sorted(by_assessor, key=lambda item: item.score.score)
    count = len(ranked)
    middle = ranked[(count - 1) // 2 : count // 2 + 1]
    names = " and ".join(repr(item.assessor) for item in middle)
    detail = f"median of {count} assessors: " + (
        f"assessor {names}" if len(middle) == 1 else f"mean of assessors {names}"
    )
    terms = []
    columns = zip(*(item.score.terms for item in middle), strict=True)
    for criterion, column in zip(framework.criteria, columns, strict=True):
        value = statistics.fmean(term.value for term in column)
        # A computed criterion is the same for every assessor: it keeps its own explanation.
        why = column[0].detail if criterion.source is CriterionSource.COMPUTED else detail
        terms.append(
            ScoreTerm(criterion.key, criterion.weight, value, criterion.weight * value, why)
        )
    return terms


def combine_assessments(
    framework: CriteriaFramework,
    assessments: Sequence[AssessorScores],
    computed: Mapping[str, ComputedScore] | None = None,
    *,
    combination: Combination = Combination.MEAN,
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_TOLERANCE,
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
            WeightedScore.of_terms(
                _criterion_terms(framework, values, computed_values, "assessor score")
            ),
        )
        for item, values in zip(assessments, per_assessor, strict=True)
    )
    if combination is Combination.MEAN or not by_assessor:
        combined = {
            c.key: statistics.fmean([values[c.key] for values in per_assessor])
            for c in assessed_criteria
        }
        detail = f"{combination} of {len(assessments)} assessors"
        terms = _criterion_terms(framework, combined, computed_values, detail)
    else:
        terms = _median_assessor_terms(framework, by_assessor)

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
        weighted_score=WeightedScore.of_terms(terms).score,
        terms=tuple(terms),
        by_assessor=by_assessor,
        combination=combination,
        spread=spread,
        disagreement=bool(disagreements),
        disagreements=tuple(disagreements),
    )
