"""Computed criteria: values a bid earns from its logic model, hypotheses and BCR, not assessors."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpv.appraisal.validation import require_fraction
from bpv.errors import InvalidInput
from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import EvidenceGrade, Quality
from bpv.scoring.framework import ComputedMeasure, CriteriaFramework, Criterion
from bpv.scoring.value import DEFAULT_BCR_BANDS, BcrBand, bcr_band

DEFAULT_EVIDENCE_STRENGTH: Mapping[EvidenceGrade, float] = {
    EvidenceGrade.HIGH: 1.0,
    EvidenceGrade.MODERATE: 2.0 / 3.0,
    EvidenceGrade.LOW: 1.0 / 3.0,
    EvidenceGrade.VERY_LOW: 0.0,
}
"""GRADE certainty as a fraction of the scale; a round may set its own."""


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


def logic_model_quality_score(quality: Quality, criterion: Criterion) -> ComputedScore:
    """The logic model's quality score in [0, 1], placed on the criterion's scale."""
    fraction = require_fraction(quality.score, "quality.score")
    return ComputedScore.placed(
        criterion, fraction, f"logic-model quality {fraction:.3f} from its validation findings"
    )


def evidence_strength_score(
    hypotheses: Sequence[SuccessHypothesis],
    criterion: Criterion,
    strength: Mapping[EvidenceGrade, float] = DEFAULT_EVIDENCE_STRENGTH,
) -> ComputedScore:
    """Mean strength of the hypotheses' evidence by GRADE (by default high 1, moderate 2/3,
    low 1/3, very low 0); a bid with no hypotheses has no evidence (0)."""
    check_evidence_strength(strength)
    fraction = (
        statistics.fmean(strength[h.evidence.grade] for h in hypotheses) if hypotheses else 0.0
    )
    return ComputedScore.placed(
        criterion,
        fraction,
        f"mean evidence strength {fraction:.3f} over {len(hypotheses)} hypotheses",
    )


def check_evidence_strength(
    strength: Mapping[EvidenceGrade, float], field_name: str = "evidence_strength"
) -> None:
    """Every grade needs a strength, a fraction of the scale."""
    for grade in EvidenceGrade:
        if grade not in strength:
            raise InvalidInput(f"no evidence strength for grade {grade}", f"{field_name}.{grade}")
        require_fraction(strength[grade], f"{field_name}.{grade}")


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
    evidence_strength: Mapping[EvidenceGrade, float] = DEFAULT_EVIDENCE_STRENGTH,
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
            scores[criterion.key] = evidence_strength_score(
                hypotheses, criterion, evidence_strength
            )
        elif measure is ComputedMeasure.CONFIDENCE:
            scores[criterion.key] = confidence_score(hypotheses, criterion)
        elif measure is ComputedMeasure.BCR_BAND:
            scores[criterion.key] = bcr_band_score(bcr, criterion, bcr_bands)
    return scores
