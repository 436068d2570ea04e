"""Times LogicModel.findings() + quality() on a 2,000-node, 5,000-edge model; fails above 1 s.

Run: python -m benchmarks.bench_logic_model  (or python benchmarks/bench_logic_model.py)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from itertools import pairwise

import networkx as nx

from bpv.logic_model import (
    Direction,
    Edge,
    Evidence,
    EvidenceGrade,
    Indicator,
    LogicModel,
    Node,
    NodeKind,
    Term,
)

SEED = 20170401
LAYER_SIZES = {
    NodeKind.INPUT: 100,
    NodeKind.ACTIVITY: 400,
    NodeKind.OUTPUT: 500,
    NodeKind.OUTCOME: 600,
    NodeKind.IMPACT: 400,
}
EDGES = 5_000
REPEATS = 7
LIMIT_SECONDS = 1.0


def layered_model(rng: random.Random) -> tuple[list[Node], list[Edge]]:
    """Every node fed by the stage before and feeding the stage after, plus random forward edges."""
    indicator = (Indicator("Emergency admissions", "per 1,000", Direction.DECREASE),)
    layers = [
        [
            Node(
                f"{kind.value}_{i}",
                kind,
                f"{kind.value} {i}",
                term=rng.choice(list(Term)) if kind is NodeKind.OUTCOME else None,
                indicators=indicator if kind in (NodeKind.OUTCOME, NodeKind.IMPACT) else (),
            )
            for i in range(size)
        ]
        for kind, size in LAYER_SIZES.items()
    ]
    pairs: dict[tuple[str, str], None] = {}  # insertion-ordered set, so the seed fixes the model
    for upper, lower in pairwise(layers):
        for node in lower:
            pairs[(rng.choice(upper).key, node.key)] = None
        for node in upper:
            pairs[(node.key, rng.choice(lower).key)] = None
    while len(pairs) < EDGES:
        upper, lower = rng.choice(list(pairwise(layers)))
        pairs[(rng.choice(upper).key, rng.choice(lower).key)] = None
    # One edge in twenty without evidence, so the quality score has something to subtract.
    evidence = Evidence("Published evaluation", EvidenceGrade.MODERATE)
    edges = [
        Edge(s, t, rationale="why", evidence=None if rng.random() < 0.05 else evidence)
        for s, t in pairs
    ]
    return [node for layer in layers for node in layer], edges


def median_seconds(run: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    nodes, edges = layered_model(random.Random(SEED))

    def validate() -> object:
        # A fresh model each time: LogicModel caches its index, and the cost of building it counts.
        model = LogicModel.of(nodes, edges)
        return model.quality(model.findings())

    def baseline() -> object:
        graph = nx.DiGraph()
        graph.add_nodes_from((n.key, {"node": n}) for n in nodes)
        graph.add_edges_from((e.source, e.target, {"edge": e}) for e in edges)
        return graph

    model = LogicModel.of(nodes, edges)
    found = model.findings()
    ours, base = median_seconds(validate), median_seconds(baseline)
    print(f"model: {len(nodes)} nodes, {len(edges)} edges; {len(found)} findings")
    print(f"quality score: {model.quality(found).score:.4f}")
    print(f"findings() + quality(): median {ours * 1000:.1f} ms over {REPEATS} runs")
    print(f"baseline (build nx.DiGraph): median {base * 1000:.1f} ms")
    print(f"ratio: {ours / base:.1f}x the baseline")
    if ours > LIMIT_SECONDS:
        print(f"FAIL: median above {LIMIT_SECONDS} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
