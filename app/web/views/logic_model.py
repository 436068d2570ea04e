"""The bid page's logic-model graph: nodes by stage with the findings that concern them, and the
edges with theirs, as data for the layered drawing (dagre, left to right) and for its table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from app.schemas.logic_models import FindingOut, FindingsOut, LogicModelIn, NodeIn

# Columns left to right: an outcome's column is its term's (a term-less outcome stands with the
# short-term ones).
STAGES = (
    ("input", None, "Inputs"),
    ("activity", None, "Activities"),
    ("output", None, "Outputs"),
    ("outcome", "short", "Short-term outcomes"),
    ("outcome", "medium", "Medium-term outcomes"),
    ("outcome", "long", "Long-term outcomes"),
    ("impact", None, "Impacts"),
)
# Findings that say a node is cut off from the delivery chain (input → impact).
GAP_CODES = frozenset({"off_path_node", "orphan_node"})
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def stage_of(node: NodeIn) -> int:
    kind = str(node.kind)
    term = str(node.term) if node.term is not None else "short"
    for index, (stage_kind, stage_term, _) in enumerate(STAGES):
        if stage_kind == kind and (stage_term is None or stage_term == term):
            return index
    raise ValueError(f"no stage for a {kind} node")


@dataclass(frozen=True)
class NodeRow:
    key: str
    label: str
    stage: str
    owner: str | None
    indicators: tuple[str, ...]
    findings: tuple[str, ...]
    gap: bool


@dataclass(frozen=True)
class EdgeRow:
    source: str
    target: str
    rationale: str | None
    evidence: str | None
    confidence: float | None
    findings: tuple[str, ...]


@dataclass(frozen=True)
class LogicModelView:
    graph: dict[str, Any]
    """What the drawing script reads: stages, nodes and edges with their worst severity."""
    stages: tuple[tuple[str, tuple[NodeRow, ...]], ...]
    edges: tuple[EdgeRow, ...]
    findings: tuple[FindingOut, ...]
    gaps: tuple[str, ...]
    """Labels of the nodes off every input → impact path."""
    quality: float
    description: str


def logic_model_view(model: LogicModelIn, findings: FindingsOut) -> LogicModelView:
    by_node: dict[str, list[FindingOut]] = defaultdict(list)
    by_edge: dict[tuple[str, str], list[FindingOut]] = defaultdict(list)
    for finding in findings.findings:
        for key in finding.nodes:
            by_node[key].append(finding)
        for ref in finding.edges:
            by_edge[(ref.source, ref.target)].append(finding)
    labels = {node.key: node.label for node in model.nodes}
    nodes = []
    rows: dict[int, list[NodeRow]] = defaultdict(list)
    gaps = []
    for node in model.nodes:
        stage = stage_of(node)
        concern = by_node.get(node.key, [])
        gap = any(f.code in GAP_CODES for f in concern)
        if gap:
            gaps.append(node.label)
        nodes.append(
            {
                "key": node.key,
                "label": node.label,
                "kind": str(node.kind),
                "stage": stage,
                "owner": node.owner,
                "severity": _worst(concern),
                "gap": gap,
                "findings": [f.message for f in concern],
            }
        )
        rows[stage].append(
            NodeRow(
                key=node.key,
                label=node.label,
                stage=STAGES[stage][2],
                owner=node.owner,
                indicators=tuple(f"{i.name} ({i.unit}, {i.direction})" for i in node.indicators),
                findings=tuple(f.message for f in concern),
                gap=gap,
            )
        )
    edges = []
    edge_rows = []
    for edge in model.edges:
        concern = by_edge.get((edge.source, edge.target), [])
        edges.append(
            {
                "source": edge.source,
                "target": edge.target,
                "severity": _worst(concern),
                "skipped": any(f.code == "skipped_stage" for f in concern),
                "findings": [f.message for f in concern],
            }
        )
        edge_rows.append(
            EdgeRow(
                source=labels.get(edge.source, edge.source),
                target=labels.get(edge.target, edge.target),
                rationale=edge.rationale,
                evidence=None
                if edge.evidence is None
                else f"{edge.evidence.source} ({edge.evidence.grade})",
                confidence=edge.confidence,
                findings=tuple(f.message for f in concern),
            )
        )
    used = sorted(rows)
    graph = {
        "stages": [{"index": i, "label": STAGES[i][2]} for i in used],
        "nodes": nodes,
        "edges": edges,
    }
    return LogicModelView(
        graph=graph,
        stages=tuple((STAGES[i][2], tuple(rows[i])) for i in used),
        edges=tuple(edge_rows),
        findings=tuple(
            sorted(findings.findings, key=lambda f: (SEVERITY_ORDER[str(f.severity)], f.code))
        ),
        gaps=tuple(gaps),
        quality=findings.quality.score,
        description=_describe(model, findings, gaps),
    )


def _worst(findings: list[FindingOut]) -> str | None:
    severities = [str(f.severity) for f in findings]
    return min(severities, key=SEVERITY_ORDER.__getitem__) if severities else None


def _describe(model: LogicModelIn, findings: FindingsOut, gaps: list[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings.findings:
        counts[str(finding.severity)] += 1
    found = ", ".join(f"{n} {severity}{'s' if n > 1 else ''}" for severity, n in counts.items())
    text = (
        f"Logic model of {len(model.nodes)} nodes and {len(model.edges)} edges, from inputs "
        f"on the left to impacts on the right; {found or 'no findings'}."
    )
    if gaps:
        text += " Off the delivery chain: " + "; ".join(gaps) + "."
    return text
