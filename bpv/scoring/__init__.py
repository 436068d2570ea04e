"""Quality and value scores of bids against a round's criteria framework (SPEC 4.8).

Every score comes with its terms (name, weight, value, contribution) that add up to it, so a
panel can explain a decision.
"""

from bpv.scoring.computed import (
    DEFAULT_EVIDENCE_STRENGTH,
    ComputedScore,
    bcr_band_score,
    check_evidence_strength,
    computed_scores,
    confidence_score,
    evidence_strength_score,
    logic_model_quality_score,
)
from bpv.scoring.framework import (
    WEIGHT_TOLERANCE,
    ComputedMeasure,
    CriteriaFramework,
    Criterion,
    CriterionSource,
    Scale,
    ScoreTerm,
    WeightedScore,
)
from bpv.scoring.provisional import ProvisionalScores, provisional_scores
from bpv.scoring.value import (
    DEFAULT_BCR_BANDS,
    BcrBand,
    ReturnFigures,
    ReturnMeasure,
    ReturnScaling,
    ValueSettings,
    bcr_band,
    check_bcr_bands,
    check_return_counted_once,
    return_measure_value,
    value_score,
)
from bpv.scoring.weighted import (
    DEFAULT_DISAGREEMENT_TOLERANCE,
    AssessorScores,
    AssessorWeightedScore,
    Combination,
    CombinedScore,
    CriterionScore,
    Disagreement,
    combine_assessments,
    weighted_score,
)

__all__ = [
    "DEFAULT_BCR_BANDS",
    "DEFAULT_DISAGREEMENT_TOLERANCE",
    "DEFAULT_EVIDENCE_STRENGTH",
    "WEIGHT_TOLERANCE",
    "AssessorScores",
    "AssessorWeightedScore",
    "BcrBand",
    "Combination",
    "CombinedScore",
    "ComputedMeasure",
    "ComputedScore",
    "CriteriaFramework",
    "Criterion",
    "CriterionScore",
    "CriterionSource",
    "Disagreement",
    "ProvisionalScores",
    "ReturnFigures",
    "ReturnMeasure",
    "ReturnScaling",
    "Scale",
    "ScoreTerm",
    "ValueSettings",
    "WeightedScore",
    "bcr_band",
    "bcr_band_score",
    "check_bcr_bands",
    "check_evidence_strength",
    "check_return_counted_once",
    "combine_assessments",
    "computed_scores",
    "confidence_score",
    "evidence_strength_score",
    "logic_model_quality_score",
    "provisional_scores",
    "return_measure_value",
    "value_score",
    "weighted_score",
]
