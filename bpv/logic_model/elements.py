"""The parts of a logic model (nodes, edges, indicators, evidence) and the findings about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class NodeKind(StrEnum):
    INPUT = "input"
    ACTIVITY = "activity"
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class Term(StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class EvidenceGrade(StrEnum):
    """GRADE levels of certainty in the evidence, strongest first."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    direction: Direction


@dataclass(frozen=True)
class Evidence:
    source: str
    grade: EvidenceGrade


@dataclass(frozen=True)
class Node:
    key: str
    kind: NodeKind
    label: str
    term: Term | None = None
    description: str | None = None
    owner: str | None = None
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    rationale: str | None = None
    assumptions: str | None = None
    evidence: Evidence | None = None
    confidence: float | None = None


EdgeRef = tuple[str, str]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    nodes: tuple[str, ...] = ()
    edges: tuple[EdgeRef, ...] = ()


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _finding_order(finding: Finding) -> tuple[int, str, tuple[str, ...], tuple[EdgeRef, ...], str]:
    return (
        _SEVERITY_RANK[finding.severity],
        finding.code,
        finding.nodes,
        finding.edges,
        finding.message,
    )


def in_order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings errors first, then by code, nodes, edges and message: one stable order."""
    return tuple(sorted(findings, key=_finding_order))
