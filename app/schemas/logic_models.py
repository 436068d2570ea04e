"""The logic-model graph as the API carries it, and its validation findings."""

from __future__ import annotations

from pydantic import Field

from app.schemas.common import Fraction, Key, Name, Schema, Text
from bpv.logic_model import Direction, EvidenceGrade, NodeKind, Severity, Term


class IndicatorIn(Schema):
    name: Name
    unit: Name
    direction: Direction


class EvidenceIn(Schema):
    source: Name
    grade: EvidenceGrade


class NodeIn(Schema):
    key: Key
    kind: NodeKind
    label: Name
    term: Term | None = None
    description: Text | None = None
    owner: Name | None = None
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=50)


class EdgeIn(Schema):
    source: Key
    target: Key
    rationale: Text | None = None
    assumptions: Text | None = None
    evidence: EvidenceIn | None = None
    confidence: Fraction | None = None


# The size benchmarks/bench_logic_model.py checks its findings within a second on.
MAX_NODES = 2_000
MAX_EDGES = 5_000


class LogicModelIn(Schema):
    nodes: list[NodeIn] = Field(default_factory=list, max_length=MAX_NODES)
    edges: list[EdgeIn] = Field(default_factory=list, max_length=MAX_EDGES)


class EdgeRefOut(Schema):
    source: str
    target: str


class FindingOut(Schema):
    code: str
    severity: Severity
    message: str
    nodes: list[str]
    edges: list[EdgeRefOut]


class QualityTermOut(Schema):
    name: str
    value: float
    detail: str


class QualityOut(Schema):
    score: float = Field(ge=0, le=1)
    terms: list[QualityTermOut]


class FindingsOut(Schema):
    findings: list[FindingOut]
    quality: QualityOut
