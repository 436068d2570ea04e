"""Logic models: the typed graph from inputs to impacts, its validation findings and quality."""

from bpv.logic_model.elements import (
    Direction,
    Edge,
    EdgeRef,
    Evidence,
    EvidenceGrade,
    Finding,
    Indicator,
    Node,
    NodeKind,
    Severity,
    Term,
    in_order,
)
from bpv.logic_model.model import DEFAULT_QUALITY_WEIGHTS, LogicModel
from bpv.logic_model.quality import Quality, QualityTerm, QualityWeights

__all__ = [
    "DEFAULT_QUALITY_WEIGHTS",
    "Direction",
    "Edge",
    "EdgeRef",
    "Evidence",
    "EvidenceGrade",
    "Finding",
    "Indicator",
    "LogicModel",
    "Node",
    "NodeKind",
    "Quality",
    "QualityTerm",
    "QualityWeights",
    "Severity",
    "Term",
    "in_order",
]
