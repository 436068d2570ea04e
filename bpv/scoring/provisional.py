"""A bid's scores before its assessors have scored it: bounds from the computed criteria alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import EvidenceGrade, Quality
from bpv.scoring.computed import DEFAULT_EVIDENCE_STRENGTH, ComputedScore, computed_scores
from bpv.scoring.framework import CriteriaFramework, CriterionSource, WeightedScore
from bpv.scoring.value import ReturnFigures, ValueSettings, value_score
from bpv.scoring.weighted import CriterionScore, weighted_score


@dataclass(frozen=True)
class ProvisionalScores:
    """The computed criteria, and the weighted and value scores with every criterion awaiting
    assessors at the bottom (`low`) and at the top (`high`) of its scale: the bid's scores
    will lie between them. With no criterion awaiting, low and high are the scores."""

    computed: tuple[ComputedScore, ...]
    awaiting_assessment: tuple[str, ...]
    weighted_low: WeightedScore
    weighted_high: WeightedScore
    value_low: WeightedScore
    value_high: WeightedScore


def provisional_scores(
    framework: CriteriaFramework,
    *,
    quality: Quality,
    hypotheses: Sequence[SuccessHypothesis],
    returns: ReturnFigures,
    value: ValueSettings,
    evidence_strength: Mapping[EvidenceGrade, float] = DEFAULT_EVIDENCE_STRENGTH,
) -> ProvisionalScores:
    computed = computed_scores(
        framework,
        quality=quality,
        hypotheses=hypotheses,
        bcr=returns.bcr,
        bcr_bands=value.bcr_bands,
        evidence_strength=evidence_strength,
    )
    pending = [c for c in framework.criteria if c.source is CriterionSource.ASSESSOR]
    low = weighted_score(framework, [CriterionScore(c.key, c.scale.min) for c in pending], computed)
    high = weighted_score(
        framework, [CriterionScore(c.key, c.scale.max) for c in pending], computed
    )
    return ProvisionalScores(
        computed=tuple(computed.values()),
        awaiting_assessment=tuple(c.key for c in pending),
        weighted_low=low,
        weighted_high=high,
        value_low=value_score(framework, low.score, returns, value),
        value_high=value_score(framework, high.score, returns, value),
    )
