"""Small builders of frameworks and bids for the ranking tests."""

from __future__ import annotations

from bpv.ranking import BidToRank
from bpv.scoring import (
    AssessorScores,
    ComputedScore,
    CriteriaFramework,
    Criterion,
    CriterionScore,
    ReturnFigures,
    Scale,
)

ZERO_TO_FIVE = Scale(0.0, 5.0)


def framework(*weights: float) -> CriteriaFramework:
    """Assessor-scored criteria c0, c1, ... on 0-5 with the given weights."""
    return CriteriaFramework(
        "1", tuple(Criterion(f"c{i}", f"c{i}", w, ZERO_TO_FIVE) for i, w in enumerate(weights))
    )


def assessor(name: str, *scores: float) -> AssessorScores:
    return AssessorScores(
        name, tuple(CriterionScore(f"c{i}", score) for i, score in enumerate(scores))
    )


def bid(
    bid_id: str,
    *assessors: tuple[float, ...],
    asked: float = 100_000.0,
    bcr: float | None = 2.0,
    npsv: float | None = None,
    moderated: float | None = None,
    computed: dict[str, ComputedScore] | None = None,
) -> BidToRank:
    """A bid scored by assessors a0, a1, ... giving the tuples of scores."""
    return BidToRank(
        bid_id,
        tuple(assessor(f"a{i}", *scores) for i, scores in enumerate(assessors)),
        computed or {},
        moderated,
        ReturnFigures(bcr, None, npsv, asked),
    )
