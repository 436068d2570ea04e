"""Turning API shapes (and the documents stored from them) into domain objects and back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.schemas.hypotheses import HypothesisCreate
from app.schemas.logic_models import (
    EdgeIn,
    EdgeRefOut,
    FindingOut,
    FindingsOut,
    LogicModelIn,
    NodeIn,
    QualityOut,
    QualityTermOut,
)
from bpv.hypotheses import (
    Additionality,
    Baseline,
    Monetisation,
    SuccessHypothesis,
    TrajectoryPoint,
)
from bpv.logic_model import Edge, Evidence, Finding, Indicator, LogicModel, Node, Quality


def logic_model(doc: LogicModelIn | Mapping[str, Any]) -> LogicModel:
    model = doc if isinstance(doc, LogicModelIn) else LogicModelIn.model_validate(doc)
    return LogicModel.of([_node(n) for n in model.nodes], [_edge(e) for e in model.edges])


def _node(node: NodeIn) -> Node:
    return Node(
        key=node.key,
        kind=node.kind,
        label=node.label,
        term=node.term,
        description=node.description,
        owner=node.owner,
        indicators=tuple(Indicator(i.name, i.unit, i.direction) for i in node.indicators),
    )


def _edge(edge: EdgeIn) -> Edge:
    return Edge(
        source=edge.source,
        target=edge.target,
        rationale=edge.rationale,
        assumptions=edge.assumptions,
        evidence=Evidence(edge.evidence.source, edge.evidence.grade) if edge.evidence else None,
        confidence=edge.confidence,
    )


def hypothesis(doc: HypothesisCreate | Mapping[str, Any]) -> SuccessHypothesis:
    h = doc if isinstance(doc, HypothesisCreate) else HypothesisCreate.model_validate(doc)
    return SuccessHypothesis(
        indicator=Indicator(h.indicator.name, h.indicator.unit, h.indicator.direction),
        baseline=Baseline(h.baseline.value, h.baseline.date),
        trajectory=tuple(TrajectoryPoint(p.date, p.value) for p in h.trajectory),
        rationale=h.rationale,
        evidence=Evidence(h.evidence.source, h.evidence.grade),
        confidence=h.confidence,
        edge=(h.edge.source, h.edge.target) if h.edge else None,
        path=tuple(h.path) if h.path is not None else None,
        monetisation=(
            Monetisation(h.monetisation.value_per_unit, h.monetisation.benefit_type)
            if h.monetisation
            else None
        ),
        additionality=Additionality(**h.additionality.model_dump()) if h.additionality else None,
    )


def finding_out(finding: Finding) -> FindingOut:
    return FindingOut(
        code=finding.code,
        severity=finding.severity,
        message=finding.message,
        nodes=list(finding.nodes),
        edges=[EdgeRefOut(source=s, target=t) for s, t in finding.edges],
    )


def findings_out(findings: Iterable[Finding], quality: Quality) -> FindingsOut:
    return FindingsOut(
        findings=[finding_out(f) for f in findings],
        quality=QualityOut(
            score=quality.score,
            terms=[
                QualityTermOut(name=t.name, value=t.value, detail=t.detail) for t in quality.terms
            ],
        ),
    )
