"""The findings a logic model's graph gives on its own: its errors, warnings and notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import networkx as nx

from bpv.logic_model.elements import EdgeRef, Finding, NodeKind, Severity, Term, in_order
from bpv.logic_model.parts import ModelParts
from bpv.logic_model.wording import arrow, described, listed, named, quoted

CHAIN = (NodeKind.INPUT, NodeKind.ACTIVITY, NodeKind.OUTPUT, NodeKind.OUTCOME, NodeKind.IMPACT)
_STAGE = {kind: rank for rank, kind in enumerate(CHAIN)}
_TERM_RANK = {Term.SHORT: 0, Term.MEDIUM: 1, Term.LONG: 2}
_PLURAL = {
    NodeKind.INPUT: "inputs",
    NodeKind.ACTIVITY: "activities",
    NodeKind.OUTPUT: "outputs",
    NodeKind.OUTCOME: "outcomes",
    NodeKind.IMPACT: "impacts",
}


def graph_findings(parts: ModelParts) -> tuple[Finding, ...]:
    """Every finding on the graph itself, in the order of `in_order`. Linear in its size."""
    graph = parts.graph()
    return in_order(
        [
            *_key_findings(parts),
            *_presence_findings(parts),
            *_cycle_findings(graph),
            *_stage_findings(parts),
            *_connection_findings(parts, graph),
            *_content_findings(parts),
        ]
    )


def error(
    code: str, message: str, nodes: Iterable[str] = (), edges: Iterable[EdgeRef] = ()
) -> Finding:
    return Finding(code, Severity.ERROR, message, tuple(nodes), tuple(edges))


def warning(
    code: str, message: str, nodes: Iterable[str] = (), edges: Iterable[EdgeRef] = ()
) -> Finding:
    return Finding(code, Severity.WARNING, message, tuple(nodes), tuple(edges))


def _key_findings(parts: ModelParts) -> Iterator[Finding]:
    for key, count in parts.duplicate_keys.items():
        yield error(
            "duplicate_key",
            f"Node key {quoted(key)} is used by {count} nodes; each node needs its own key",
            nodes=(key,),
        )
    for pair, count in parts.duplicate_edges.items():
        yield error(
            "duplicate_edge",
            f"Edge {arrow(pair)} appears {count} times; give each link once",
            nodes=pair,
            edges=(pair,),
        )
    for edge in parts.unknown_edges:
        pair = (edge.source, edge.target)
        missing = list(dict.fromkeys(k for k in pair if k not in parts.nodes))
        which = (
            f"node {quoted(missing[0])}, which is"
            if len(missing) == 1
            else f"nodes {listed([quoted(k) for k in missing])}, which are"
        )
        yield error(
            "unknown_key",
            f"Edge {arrow(pair)} refers to {which} not in the logic model",
            nodes=missing,
            edges=(pair,),
        )


def _presence_findings(parts: ModelParts) -> Iterator[Finding]:
    kinds = {node.kind for node in parts.nodes.values()}
    if NodeKind.INPUT not in kinds:
        yield error(
            "no_input",
            "The logic model has no input: nothing says which resources pay for the work",
        )
    if NodeKind.IMPACT not in kinds:
        yield error(
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
            yield error(
                "cycle",
                f"Nodes {named(nodes)} form a cycle: each ends up contributing to itself",
                nodes=nodes,
                edges=edges,
            )
        else:
            (key,) = component
            if graph.has_edge(key, key):
                yield error(
                    "cycle",
                    f"Edge {arrow((key, key))} makes node {quoted(key)} contribute to itself",
                    nodes=(key,),
                    edges=((key, key),),
                )


def _stage_findings(parts: ModelParts) -> Iterator[Finding]:
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
            yield error(
                "backward_edge",
                f"Edge {arrow(pair)} goes from {described(source)} back to {described(target)}",
                nodes=pair,
                edges=(pair,),
            )
        elif step > 1:
            skipped = [kind.value for kind in CHAIN[_STAGE[source.kind] + 1 : _STAGE[target.kind]]]
            yield warning(
                "skipped_stage",
                f"Edge {arrow(pair)} goes from {described(source)} straight to "
                f"{described(target)}, skipping the {listed(skipped)} "
                f"stage{'s' if len(skipped) > 1 else ''}",
                nodes=pair,
                edges=(pair,),
            )
        elif step == 0 and source.kind is not NodeKind.OUTCOME:
            yield Finding(
                "same_stage_edge",
                Severity.INFO,
                f"Edge {arrow(pair)} links two {_PLURAL[source.kind]}; "
                "a logic model usually moves from one stage to the next",
                pair,
                (pair,),
            )


def _reached(graph: nx.DiGraph, starts: Sequence[str]) -> set[str]:
    """Every node reachable from any of `starts`, the starts included, in one BFS."""
    return {key for layer in nx.bfs_layers(graph, starts) for key in layer}


def _connection_findings(parts: ModelParts, graph: nx.DiGraph) -> Iterator[Finding]:
    linked = parts.linked
    for key, node in parts.nodes.items():
        if key not in linked:
            yield warning(
                "orphan_node",
                f"Node {quoted(key)} ({described(node)}) has no edges: "
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
        yield warning(
            "off_path_node",
            f"Node {quoted(key)} ({described(node)}) is on no input → impact path: {gap}, "
            "a gap in the delivery chain",
            nodes=(key,),
        )


def _content_findings(parts: ModelParts) -> Iterator[Finding]:
    for key, node in parts.nodes.items():
        if node.kind in (NodeKind.OUTCOME, NodeKind.IMPACT) and not node.indicators:
            yield warning(
                "missing_indicator",
                f"{node.kind.value.capitalize()} {quoted(key)} has no indicator, "
                "so nobody can measure whether it happens",
                nodes=(key,),
            )
        if node.kind is NodeKind.OUTCOME and node.term is None:
            yield Finding(
                "outcome_without_term",
                Severity.INFO,
                f"Outcome {quoted(key)} has no term (short, medium or long), "
                "so its place in the sequence of outcomes is not checked",
                (key,),
            )
    for pair, edge in parts.edges.items():
        if not (edge.rationale and edge.rationale.strip()):
            yield warning(
                "edge_without_rationale",
                f"Edge {arrow(pair)} has no rationale saying why {quoted(pair[0])} "
                f"leads to {quoted(pair[1])}",
                nodes=pair,
                edges=(pair,),
            )
        if edge.evidence is None:
            yield warning(
                "edge_without_evidence",
                f"Edge {arrow(pair)} cites no evidence that {quoted(pair[0])} "
                f"leads to {quoted(pair[1])}",
                nodes=pair,
                edges=(pair,),
            )
