"""Times rank_bids() on a round of 1,000 bids with 1,000 weight draws of rank stability.

Criteria: 4 scored by 3 assessors each, 2 computed. The baseline is what the draws replace:
one plain ranking (no stability) per draw, 1,000 of them, timed on fewer and scaled.
Run: python benchmarks/bench_ranking.py  (or python -m benchmarks.bench_ranking)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from bpv.ranking import BidToRank, Ranking, StabilitySettings, rank_bids
from bpv.scoring import (
    AssessorScores,
    Combination,
    ComputedMeasure,
    ComputedScore,
    CriteriaFramework,
    Criterion,
    CriterionScore,
    CriterionSource,
    ReturnFigures,
    ReturnMeasure,
    ReturnScaling,
    Scale,
    ValueSettings,
)

BIDS = 1_000
ASSESSORS = 3
DRAWS = 1_000
SEED = 20170401
REPEATS = 7
BASELINE_RUNS = 20
LIMIT_SECONDS = 1.0

FRAMEWORK = CriteriaFramework(
    "bench",
    (
        Criterion("strategic_fit", "Strategic fit", 0.2, Scale(0, 5)),
        Criterion("deliverability", "Deliverability", 0.15, Scale(0, 5)),
        Criterion("partnership", "Partnership", 0.15, Scale(0, 5)),
        Criterion("sustainability", "Sustainability", 0.15, Scale(0, 5)),
        Criterion(
            "logic_model", "Logic model", 0.2, Scale(0, 5), CriterionSource.COMPUTED,
            ComputedMeasure.LOGIC_MODEL_QUALITY,
        ),
        Criterion(
            "evidence", "Evidence", 0.15, Scale(0, 5), CriterionSource.COMPUTED,
            ComputedMeasure.EVIDENCE_STRENGTH,
        ),
    ),
)  # fmt: skip
ASSESSED = [c.key for c in FRAMEWORK.criteria if c.source is CriterionSource.ASSESSOR]
COMPUTED = [c for c in FRAMEWORK.criteria if c.source is CriterionSource.COMPUTED]


def round_of_bids() -> list[BidToRank]:
    rng = np.random.default_rng(SEED)
    bids = []
    for i in range(BIDS):
        quality = rng.uniform(1.0, 4.5)
        assessments = tuple(
            AssessorScores(
                f"assessor {a}",
                tuple(
                    CriterionScore(key, float(np.clip(quality + rng.normal(0, 0.5), 0, 5)))
                    for key in ASSESSED
                ),
            )
            for a in range(ASSESSORS)
        )
        computed = {}
        for criterion in COMPUTED:
            fraction = float(rng.uniform(0, 1))
            computed[criterion.key] = ComputedScore.placed(criterion, fraction, "bench")
        asked = float(rng.uniform(1e5, 2e6))
        bcr = float(rng.uniform(0.5, 5.0))
        returns = ReturnFigures(bcr, bcr - 1.2, (bcr - 1.0) * asked, asked)
        bids.append(BidToRank(f"bid {i:04d}", assessments, computed, None, returns))
    return bids


def timings(run: Callable[[], object], repeats: int) -> list[float]:
    run()  # warm caches and imports outside the timing
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def with_conflicts(bids: list[BidToRank]) -> list[BidToRank]:
    """Every fifth bid loses an assessor to a conflict: the median then pads with NaN."""
    return [
        replace(b, assessments=b.assessments[1:]) if i % 5 == 0 else b for i, b in enumerate(bids)
    ]


def main() -> int:
    bids = round_of_bids()
    envelope = 0.25 * sum(b.returns.requested_funding for b in bids)
    fixed = ValueSettings(0.6, 0.4, ReturnMeasure.BCR_LINEAR)
    stability = StabilitySettings(draws=DRAWS, spread=0.2, seed=SEED)

    def ranked(
        settings: StabilitySettings | None,
        value: ValueSettings = fixed,
        combination: Combination = Combination.MEAN,
        round_bids: list[BidToRank] = bids,
    ) -> Ranking:
        return rank_bids(
            FRAMEWORK, round_bids, value=value, combination=combination, envelope=envelope,
            stability=settings,
        )  # fmt: skip

    ours = statistics.median(timings(lambda: ranked(stability), REPEATS))
    plain = statistics.median(timings(lambda: ranked(None), BASELINE_RUNS))
    baseline = plain * DRAWS
    median = statistics.median(
        timings(lambda: ranked(stability, combination=Combination.MEDIAN), REPEATS)
    )
    conflicted = with_conflicts(bids)
    padded = statistics.median(
        timings(
            lambda: ranked(stability, combination=Combination.MEDIAN, round_bids=conflicted),
            REPEATS,
        )
    )
    by_round = replace(fixed, return_scaling=ReturnScaling.ROUND)
    rounded = statistics.median(timings(lambda: ranked(stability, value=by_round), REPEATS))
    reversals = len(ranked(None, value=by_round).reversals)
    swaps = ranked(stability).items
    moved = sum(1 for item in swaps if item.rank_range and item.rank_range[0] != item.rank_range[1])

    print(
        f"round: {BIDS:,} bids x {len(FRAMEWORK.criteria)} criteria "
        f"({len(ASSESSED)} by {ASSESSORS} assessors each, {len(COMPUTED)} computed), "
        f"{DRAWS:,} weight draws; {moved:,} bids' ranks move across the draws"
    )
    print(f"rank_bids() with stability (mean): median {ours * 1000:.1f} ms over {REPEATS} runs")
    print(f"  median combination: median {median * 1000:.1f} ms")
    print(f"  median combination, every fifth bid one assessor short: {padded * 1000:.1f} ms")
    print(
        f"  round scaling (the reversal check re-ranks {reversals} times): "
        f"median {rounded * 1000:.1f} ms"
    )
    print(
        f"baseline, one plain ranking (stability=None) x {DRAWS:,}: {baseline:.1f} s, "
        f"scaled from a median of {plain * 1000:.1f} ms over {BASELINE_RUNS} plain rankings"
    )
    print(f"ratio: the baseline takes {baseline / ours:.0f}x as long as rank_bids() with stability")
    if ours > LIMIT_SECONDS:
        print(f"FAIL: median above {LIMIT_SECONDS:g} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
