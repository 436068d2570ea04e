"""A logic model indexed for its checks: the usable nodes and edges, and what had to be skipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from bpv.logic_model.elements import Edge, EdgeRef, Node


@dataclass(frozen=True)
class ModelParts:
    """A model split into what graph checks can use and what they must skip."""

    nodes: dict[str, Node]  # the first node of each key
    edges: dict[EdgeRef, Edge]  # the first edge of each pair whose ends are both nodes
    duplicate_keys: dict[str, int]
    duplicate_edges: dict[EdgeRef, int]
    unknown_edges: tuple[Edge, ...]
    linked: frozenset[str]  # every key any edge names, known or not

    @classmethod
    def of(cls, nodes: Sequence[Node], edges: Sequence[Edge]) -> ModelParts:
        first_nodes: dict[str, Node] = {}
        for node in nodes:
            first_nodes.setdefault(node.key, node)
        key_counts = Counter(node.key for node in nodes)
        first_edges: dict[EdgeRef, Edge] = {}
        unknown: list[Edge] = []
        for edge in edges:
            if edge.source in first_nodes and edge.target in first_nodes:
                first_edges.setdefault((edge.source, edge.target), edge)
            else:
                unknown.append(edge)
        pair_counts = Counter(
            (e.source, e.target) for e in edges if (e.source, e.target) in first_edges
        )
        return cls(
            nodes=first_nodes,
            edges=first_edges,
            duplicate_keys={k: n for k, n in key_counts.items() if n > 1},
            duplicate_edges={p: n for p, n in pair_counts.items() if n > 1},
            unknown_edges=tuple(unknown),
            linked=frozenset(key for edge in edges for key in (edge.source, edge.target)),
        )

    def graph(self) -> nx.DiGraph:
        """The usable nodes and edges as a networkx DiGraph keyed by node key."""
        graph = nx.DiGraph()
        graph.add_nodes_from((key, {"node": node}) for key, node in self.nodes.items())
        graph.add_edges_from((s, t, {"edge": edge}) for (s, t), edge in self.edges.items())
        return graph
