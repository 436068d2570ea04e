"""The logic model: a typed graph from inputs to impacts, with its paths, findings and quality."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

import networkx as nx

from bpv.errors import InvalidLogicModel
from bpv.logic_model.elements import Edge, EdgeRef, Finding, Node
from bpv.logic_model.findings import graph_findings
from bpv.logic_model.parts import ModelParts
from bpv.logic_model.quality import Quality, QualityWeights, quality_of
from bpv.logic_model.wording import arrow, listed, quoted

DEFAULT_QUALITY_WEIGHTS = QualityWeights()


@dataclass(frozen=True)
class LogicModel:
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()

    @classmethod
    def of(cls, nodes: Sequence[Node], edges: Sequence[Edge]) -> LogicModel:
        return cls(tuple(nodes), tuple(edges))

    @cached_property
    def parts(self) -> ModelParts:
        """The model indexed for its checks; frozen, so computed once and kept."""
        return ModelParts.of(self.nodes, self.edges)

    def graph(self) -> nx.DiGraph:
        """The model as a networkx DiGraph keyed by node key.

        Node attribute `node` holds the Node, edge attribute `edge` the Edge. When a key or an edge
        is duplicated the first one is kept; edges naming an unknown key are left out (`findings`
        reports all three).
        """
        return self.parts.graph()

    def node(self, key: str) -> Node | None:
        """The (first) node with `key`, or None."""
        return self.parts.nodes.get(key)

    def has_edge(self, source: str, target: str) -> bool:
        """Whether an edge joins two nodes of the model; an edge to an unknown key does not."""
        return (source, target) in self.parts.edges

    def path_problem(self, path: Sequence[str]) -> str | None:
        """Why `path` (node keys in order) is not a path through the model, or None if it is."""
        if len(path) < 2:
            return f"a path needs at least two node keys, and this one has {len(path)}"
        unknown = [quoted(key) for key in dict.fromkeys(path) if key not in self.parts.nodes]
        if unknown:
            verb = "is not a node" if len(unknown) == 1 else "are not nodes"
            return f"{listed(unknown)} {verb} of the logic model"
        missing = [arrow(pair) for pair in pairwise(path) if not self.has_edge(*pair)]
        if missing:
            return f"no edge joins {listed(missing)}"
        return None

    def path_edges(self, path: Sequence[str]) -> tuple[EdgeRef, ...]:
        """The edges joining consecutive keys of `path`, in order.

        Raises InvalidLogicModel (field "path") when `path` is not a path through the model.
        """
        problem = self.path_problem(path)
        if problem is not None:
            raise InvalidLogicModel(f"The path is not in the logic model: {problem}", "path")
        return tuple(pairwise(path))

    def findings(self) -> tuple[Finding, ...]:
        """Validation findings on the graph, errors first, then by code, nodes and edges.

        Errors block submission: cycle, backward_edge, unknown_key, duplicate_key, duplicate_edge,
        no_input, no_impact. Warnings lower the quality score: skipped_stage, orphan_node,
        off_path_node, missing_indicator, edge_without_rationale, edge_without_evidence. Info:
        same_stage_edge, outcome_without_term. Linear in the size of the model. The findings of
        success hypotheses against the model are `bpv.hypothesis_checks.bid_findings`.
        """
        return graph_findings(self.parts)

    def quality(
        self,
        findings: Sequence[Finding] | None = None,
        weights: QualityWeights = DEFAULT_QUALITY_WEIGHTS,
    ) -> Quality:
        """The logic-model quality score in [0, 1], with the terms it is the sum of.

        Any error finding gives 0, with one term naming the errors. Otherwise
        score = Σ weight * coverage, and each term's value is its weight * coverage (default
        weights in brackets, see QualityWeights):

        - chain_completeness (0.375): share of nodes on an input → impact path (not orphan_node
          nor off_path_node);
        - indicator_coverage (0.25): share of outcomes and impacts with an indicator;
        - evidence_coverage (0.125): share of edges citing evidence;
        - rationale_coverage (0.125): share of edges with a rationale;
        - stage_continuity (0.125): share of edges that skip no stage.

        The weights sum to 1, so a model with no warnings scores 1. A share with nothing to
        count (no edges) is 0. `findings` defaults to `self.findings()`; pass them to avoid
        computing them twice, or to count findings on hypotheses too.
        """
        found = self.findings() if findings is None else tuple(findings)
        return quality_of(self.parts, found, weights)
