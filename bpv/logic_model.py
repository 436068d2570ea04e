"""Logic models: the typed graph from inputs to impacts, and its validation findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

import networkx as nx

from bpv.errors import InvalidLogicModel

if TYPE_CHECKING:
    from bpv.hypotheses import SuccessHypothesis


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


@dataclass(frozen=True)
class QualityTerm:
    """One named contribution to the quality score, so a panel can see how it was derived."""

    name: str
    value: float
    detail: str


@dataclass(frozen=True)
class Quality:
    score: float
    terms: tuple[QualityTerm, ...]


@dataclass(frozen=True)
class LogicModel:
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()

    @classmethod
    def of(cls, nodes: Sequence[Node], edges: Sequence[Edge]) -> LogicModel:
        return cls(tuple(nodes), tuple(edges))

    @cached_property
    def _parts(self) -> _Parts:
        # The model is frozen, so its index can be computed once and kept.
        return _Parts.of(self)

    def graph(self) -> nx.DiGraph:
        """The model as a networkx DiGraph keyed by node key.

        Node attribute `node` holds the Node, edge attribute `edge` the Edge. When a key or an edge
        is duplicated the first one is kept; edges naming an unknown key are left out (`findings`
        reports all three).
        """
        parts = self._parts
        graph = nx.DiGraph()
        graph.add_nodes_from((key, {"node": node}) for key, node in parts.nodes.items())
        graph.add_edges_from((s, t, {"edge": edge}) for (s, t), edge in parts.edges.items())
        return graph

    def has_edge(self, source: str, target: str) -> bool:
        """Whether an edge joins two nodes of the model; an edge to an unknown key does not."""
        return (source, target) in self._parts.edges

    def path_problem(self, path: Sequence[str]) -> str | None:
        """Why `path` (node keys in order) is not a path through the model, or None if it is."""
        if len(path) < 2:
            return f"a path needs at least two node keys, and this one has {len(path)}"
        unknown = [_q(key) for key in dict.fromkeys(path) if key not in self._parts.nodes]
        if unknown:
            verb = "is not a node" if len(unknown) == 1 else "are not nodes"
            return f"{_listed(unknown)} {verb} of the logic model"
        missing = [_arrow(pair) for pair in pairwise(path) if not self.has_edge(*pair)]
        if missing:
            return f"no edge joins {_listed(missing)}"
        return None

    def path_edges(self, path: Sequence[str]) -> tuple[EdgeRef, ...]:
        """The edges joining consecutive keys of `path`, in order.

        Raises InvalidLogicModel (field "path") when `path` is not a path through the model.
        """
        problem = self.path_problem(path)
        if problem is not None:
            raise InvalidLogicModel(f"The path is not in the logic model: {problem}", "path")
        return tuple(pairwise(path))

    def findings(self, hypotheses: Sequence[SuccessHypothesis] = ()) -> tuple[Finding, ...]:
        """Validation findings, errors first, then by code, nodes and edges.

        Errors block submission: cycle, backward_edge, unknown_key, duplicate_key, duplicate_edge,
        no_input, no_impact, hypothesis_on_missing_edge (for the `hypotheses` given). Warnings lower
        the quality score: skipped_stage, orphan_node, off_path_node, missing_indicator,
        edge_without_rationale, edge_without_evidence. Info: same_stage_edge,
        outcome_without_term. Linear in the size of the model.
        """
        # Imported here because bpv.hypotheses builds on this module.
        from bpv.hypotheses import hypothesis_findings

        parts = self._parts
        graph = self.graph()
        found = [
            *_key_findings(parts),
            *_presence_findings(parts),
            *_cycle_findings(graph),
            *_stage_findings(parts),
            *_connection_findings(self, parts, graph),
            *_content_findings(parts),
            *hypothesis_findings(self, hypotheses),
        ]
        return tuple(sorted(found, key=_finding_order))

    def quality(self, findings: Sequence[Finding] | None = None) -> Quality:
        """The logic-model quality score in [0, 1], with the terms it is the sum of.

        Any error finding gives 0, with one term naming the errors. Otherwise
        score = Σ weight * coverage, and each term's value is its weight * coverage:

        - chain_completeness (0.375): share of nodes on an input → impact path (not orphan_node
          nor off_path_node);
        - indicator_coverage (0.25): share of outcomes and impacts with an indicator;
        - evidence_coverage (0.125): share of edges citing evidence;
        - rationale_coverage (0.125): share of edges with a rationale;
        - stage_continuity (0.125): share of edges that skip no stage.

        The weights sum to 1, so a model with no warnings scores exactly 1. A share with nothing to
        count (no edges) is 0. `findings` defaults to `self.findings()`; pass them to avoid
        computing them twice.
        """
        found = self.findings() if findings is None else tuple(findings)
        errors = [f for f in found if f.severity is Severity.ERROR]
        if errors:
            codes = ", ".join(sorted({f.code for f in errors}))
            count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
            return Quality(
                0.0,
                (QualityTerm("errors", 0.0, f"{count} ({codes}) must be fixed before scoring"),),
            )

        def flagged_nodes(*codes: str) -> int:
            return len({key for f in found if f.code in codes for key in f.nodes})

        def flagged_edges(code: str) -> int:
            return len({pair for f in found if f.code == code for pair in f.edges})

        parts = self._parts
        nodes, edges = len(parts.nodes), len(parts.edges)
        measured = sum(
            1 for n in parts.nodes.values() if n.kind in (NodeKind.OUTCOME, NodeKind.IMPACT)
        )
        terms = (
            _coverage_term(
                "chain_completeness",
                nodes - flagged_nodes("orphan_node", "off_path_node"),
                nodes,
                "nodes lie on an input → impact path",
            ),
            _coverage_term(
                "indicator_coverage",
                measured - flagged_nodes("missing_indicator"),
                measured,
                "outcomes and impacts have an indicator",
            ),
            _coverage_term(
                "evidence_coverage",
                edges - flagged_edges("edge_without_evidence"),
                edges,
                "edges cite evidence",
            ),
            _coverage_term(
                "rationale_coverage",
                edges - flagged_edges("edge_without_rationale"),
                edges,
                "edges give a rationale",
            ),
            _coverage_term(
                "stage_continuity",
                edges - flagged_edges("skipped_stage"),
                edges,
                "edges skip no stage",
            ),
        )
        # Summed in the order shown, so the terms add up to the score exactly.
        return Quality(sum(t.value for t in terms), terms)


_CHAIN = (NodeKind.INPUT, NodeKind.ACTIVITY, NodeKind.OUTPUT, NodeKind.OUTCOME, NodeKind.IMPACT)
_STAGE = {kind: rank for rank, kind in enumerate(_CHAIN)}
_TERM_RANK = {Term.SHORT: 0, Term.MEDIUM: 1, Term.LONG: 2}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_PLURAL = {
    NodeKind.INPUT: "inputs",
    NodeKind.ACTIVITY: "activities",
    NodeKind.OUTPUT: "outputs",
    NodeKind.OUTCOME: "outcomes",
    NodeKind.IMPACT: "impacts",
}

# Binary fractions, so a perfect model scores exactly 1.0 and the terms add up to the score
# without rounding drift.
_QUALITY_WEIGHTS = {
    "chain_completeness": 0.375,
    "indicator_coverage": 0.25,
    "evidence_coverage": 0.125,
    "rationale_coverage": 0.125,
    "stage_continuity": 0.125,
}


@dataclass(frozen=True)
class _Parts:
    """A model split into what graph checks can use and what they must skip."""

    nodes: dict[str, Node]  # the first node of each key
    edges: dict[EdgeRef, Edge]  # the first edge of each pair whose ends are both nodes
    duplicate_keys: dict[str, int]
    duplicate_edges: dict[EdgeRef, int]
    unknown_edges: tuple[Edge, ...]

    @classmethod
    def of(cls, model: LogicModel) -> _Parts:
        nodes: dict[str, Node] = {}
        for node in model.nodes:
            nodes.setdefault(node.key, node)
        key_counts = Counter(node.key for node in model.nodes)
        edges: dict[EdgeRef, Edge] = {}
        unknown: list[Edge] = []
        for edge in model.edges:
            if edge.source in nodes and edge.target in nodes:
                edges.setdefault((edge.source, edge.target), edge)
            else:
                unknown.append(edge)
        pair_counts = Counter(
            (e.source, e.target) for e in model.edges if (e.source, e.target) in edges
        )
        return cls(
            nodes=nodes,
            edges=edges,
            duplicate_keys={k: n for k, n in key_counts.items() if n > 1},
            duplicate_edges={p: n for p, n in pair_counts.items() if n > 1},
            unknown_edges=tuple(unknown),
        )


def _q(key: str) -> str:
    return f"'{key}'"


def _arrow(pair: EdgeRef) -> str:
    return f"'{pair[0]}' → '{pair[1]}'"


def _listed(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _named(keys: Sequence[str], most: int = 8) -> str:
    """Keys for a message, shortened so a cycle through hundreds of nodes stays readable."""
    quoted = [_q(key) for key in keys[:most]]
    if len(keys) > most:
        return f"{', '.join(quoted)} and {len(keys) - most} more"
    return _listed(quoted)


def _described(node: Node) -> str:
    """'an outcome' or 'a long-term outcome', for messages."""
    if node.kind is NodeKind.OUTCOME and node.term is not None:
        return f"a {node.term.value}-term outcome"
    return f"an {node.kind.value}"  # every kind name starts with a vowel


def _error(
    code: str, message: str, nodes: Iterable[str] = (), edges: Iterable[EdgeRef] = ()
) -> Finding:
    return Finding(code, Severity.ERROR, message, tuple(nodes), tuple(edges))


def _warning(
    code: str, message: str, nodes: Iterable[str] = (), edges: Iterable[EdgeRef] = ()
) -> Finding:
    return Finding(code, Severity.WARNING, message, tuple(nodes), tuple(edges))


def _key_findings(parts: _Parts) -> Iterator[Finding]:
    for key, count in parts.duplicate_keys.items():
        yield _error(
            "duplicate_key",
            f"Node key {_q(key)} is used by {count} nodes; each node needs its own key",
            nodes=(key,),
        )
    for pair, count in parts.duplicate_edges.items():
        yield _error(
            "duplicate_edge",
            f"Edge {_arrow(pair)} appears {count} times; give each link once",
            nodes=pair,
            edges=(pair,),
        )
    for edge in parts.unknown_edges:
        pair = (edge.source, edge.target)
        missing = list(dict.fromkeys(k for k in pair if k not in parts.nodes))
        which = (
            f"node {_q(missing[0])}, which is"
            if len(missing) == 1
            else f"nodes {_listed([_q(k) for k in missing])}, which are"
        )
        yield _error(
            "unknown_key",
            f"Edge {_arrow(pair)} refers to {which} not in the logic model",
            nodes=missing,
            edges=(pair,),
        )


def _presence_findings(parts: _Parts) -> Iterator[Finding]:
    kinds = {node.kind for node in parts.nodes.values()}
    if NodeKind.INPUT not in kinds:
        yield _error(
            "no_input",
            "The logic model has no input: nothing says which resources pay for the work",
        )
    if NodeKind.IMPACT not in kinds:
        yield _error(
            "no_impact",
            "The logic model has no impact: nothing says what lasting change the investment is for",
        )


def _cycle_findings(graph: nx.DiGraph) -> Iterator[Finding]:
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            nodes = tuple(sorted(component))
            edges = tuple(
                sorted((s, t) for s in component for t in graph.succ[s] if t in component)
            )
            yield _error(
                "cycle",
                f"Nodes {_named(nodes)} form a cycle: each ends up contributing to itself",
                nodes=nodes,
                edges=edges,
            )
        else:
            (key,) = component
            if graph.has_edge(key, key):
                yield _error(
                    "cycle",
                    f"Edge {_arrow((key, key))} makes node {_q(key)} contribute to itself",
                    nodes=(key,),
                    edges=((key, key),),
                )


def _stage_findings(parts: _Parts) -> Iterator[Finding]:
    for pair, edge in parts.edges.items():
        if edge.source == edge.target:
            continue  # a self-loop is reported as a cycle
        source, target = parts.nodes[edge.source], parts.nodes[edge.target]
        step = _STAGE[target.kind] - _STAGE[source.kind]
        if step < 0 or (
            step == 0
            and source.kind is NodeKind.OUTCOME
            and source.term is not None
            and target.term is not None
            and _TERM_RANK[source.term] > _TERM_RANK[target.term]
        ):
            yield _error(
                "backward_edge",
                f"Edge {_arrow(pair)} goes from {_described(source)} back to {_described(target)}",
                nodes=pair,
                edges=(pair,),
            )
        elif step > 1:
            skipped = [kind.value for kind in _CHAIN[_STAGE[source.kind] + 1 : _STAGE[target.kind]]]
            yield _warning(
                "skipped_stage",
                f"Edge {_arrow(pair)} goes from {_described(source)} straight to "
                f"{_described(target)}, skipping the {_listed(skipped)} "
                f"stage{'s' if len(skipped) > 1 else ''}",
                nodes=pair,
                edges=(pair,),
            )
        elif step == 0 and source.kind is not NodeKind.OUTCOME:
            yield Finding(
                "same_stage_edge",
                Severity.INFO,
                f"Edge {_arrow(pair)} links two {_PLURAL[source.kind]}; "
                "a logic model usually moves from one stage to the next",
                pair,
                (pair,),
            )


def _reached(graph: nx.DiGraph, starts: Sequence[str]) -> set[str]:
    """Every node reachable from any of `starts`, the starts included, in one BFS."""
    return {key for layer in nx.bfs_layers(graph, starts) for key in layer}


def _connection_findings(model: LogicModel, parts: _Parts, graph: nx.DiGraph) -> Iterator[Finding]:
    linked = {key for edge in model.edges for key in (edge.source, edge.target)}
    for key, node in parts.nodes.items():
        if key not in linked:
            yield _warning(
                "orphan_node",
                f"Node {_q(key)} ({_described(node)}) has no edges: "
                "it is not connected to the rest of the logic model",
                nodes=(key,),
            )
    inputs = [k for k, n in parts.nodes.items() if n.kind is NodeKind.INPUT]
    impacts = [k for k, n in parts.nodes.items() if n.kind is NodeKind.IMPACT]
    if not inputs or not impacts:
        return  # no_input / no_impact already say it; every node would be off the path
    funded = _reached(graph, inputs)
    leading = _reached(graph.reverse(copy=False), impacts)
    for key, node in parts.nodes.items():
        if key not in linked or (key in funded and key in leading):
            continue
        if key not in funded and key not in leading:
            gap = "no input leads to it and it leads to no impact"
        elif key not in funded:
            gap = "no input leads to it"
        else:
            gap = "it leads to no impact"
        yield _warning(
            "off_path_node",
            f"Node {_q(key)} ({_described(node)}) is on no input → impact path: {gap}, "
            "a gap in the delivery chain",
            nodes=(key,),
        )


def _content_findings(parts: _Parts) -> Iterator[Finding]:
    for key, node in parts.nodes.items():
        if node.kind in (NodeKind.OUTCOME, NodeKind.IMPACT) and not node.indicators:
            yield _warning(
                "missing_indicator",
                f"{node.kind.value.capitalize()} {_q(key)} has no indicator, "
                "so nobody can measure whether it happens",
                nodes=(key,),
            )
        if node.kind is NodeKind.OUTCOME and node.term is None:
            yield Finding(
                "outcome_without_term",
                Severity.INFO,
                f"Outcome {_q(key)} has no term (short, medium or long), "
                "so its place in the sequence of outcomes is not checked",
                (key,),
            )
    for pair, edge in parts.edges.items():
        if not (edge.rationale and edge.rationale.strip()):
            yield _warning(
                "edge_without_rationale",
                f"Edge {_arrow(pair)} has no rationale saying why {_q(pair[0])} "
                f"leads to {_q(pair[1])}",
                nodes=pair,
                edges=(pair,),
            )
        if edge.evidence is None:
            yield _warning(
                "edge_without_evidence",
                f"Edge {_arrow(pair)} cites no evidence that {_q(pair[0])} leads to {_q(pair[1])}",
                nodes=pair,
                edges=(pair,),
            )


def _finding_order(finding: Finding) -> tuple[int, str, tuple[str, ...], tuple[EdgeRef, ...], str]:
    return (
        _SEVERITY_RANK[finding.severity],
        finding.code,
        finding.nodes,
        finding.edges,
        finding.message,
    )


def _coverage_term(name: str, good: int, total: int, what: str) -> QualityTerm:
    weight = _QUALITY_WEIGHTS[name]
    # With nothing to cover (a model with no edges) there is nothing to credit.
    coverage = good / total if total else 0.0
    return QualityTerm(
        name,
        weight * coverage,
        f"{good} of {total} {what} (coverage {coverage:.3f} at weight {weight})",
    )
