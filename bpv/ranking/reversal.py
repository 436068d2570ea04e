"""The rank-reversal check: does removing one bid swap the order of two others?

Only a value score that depends on the set of bids can do this: round scaling places each
bid's return between the round's lowest and highest, so removing the bid that alone holds one
of them moves the others' returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpv.ranking.ordering import rank_order
from bpv.ranking.scored import ScoredBid
from bpv.scoring import (
    CriteriaFramework,
    ReturnScaling,
    ValueSettings,
    return_measure_value,
    value_score,
)


@dataclass(frozen=True)
class RankReversal:
    """Pairs (a, b) of other bids where a ranks above b with `removed` present and b above a
    without it."""

    removed: str
    swapped: tuple[tuple[str, str], ...]


def return_range(measures: Sequence[float | None]) -> tuple[float, float] | None:
    """(min, max) of the defined raw return measures; None when none is defined."""
    defined = [m for m in measures if m is not None]
    return (min(defined), max(defined)) if defined else None


def _range_without(measure: float | None, ascending: Sequence[float]) -> tuple[float, float] | None:
    """The range over the round once a bid with `measure` leaves it; `ascending` holds the
    round's defined measures, sorted. A value shared by another bid stays in the range."""
    if measure is None:
        return (ascending[0], ascending[-1]) if ascending else None
    if len(ascending) == 1:
        return None
    low = ascending[1] if measure == ascending[0] else ascending[0]
    high = ascending[-2] if measure == ascending[-1] else ascending[-1]
    return low, high


def _swapped_pairs(new_positions: Sequence[int], bid_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs out of order: `new_positions` gives, for the bids in their old order, their
    positions in the new one."""
    positions = np.asarray(new_positions)
    pairs: list[tuple[str, str]] = []
    for a in range(len(positions)):
        below = np.flatnonzero(positions[a + 1 :] < positions[a]) + a + 1
        pairs.extend((bid_ids[a], bid_ids[b]) for b in below.tolist())
    return pairs


def rank_reversals(
    framework: CriteriaFramework, scored: Sequence[ScoredBid], value: ValueSettings
) -> tuple[RankReversal, ...]:
    """For each bid, the other bids' pairs whose order its removal swaps; `scored` is the
    ranking in rank order. Only removals that swap something are listed."""
    measures = [return_measure_value(item.bid.returns, value) for item in scored]
    ascending = sorted(m for m in measures if m is not None)
    full_range = return_range(measures)
    reversals = []
    for removed, measure in enumerate(measures):
        without = _range_without(measure, ascending)
        if value.return_scaling is not ReturnScaling.ROUND or without == full_range:
            # Every other bid keeps its value score, hence its place relative to the rest: the
            # ranking without this bid is the ranking with it, minus it.
            continue
        others = [item for index, item in enumerate(scored) if index != removed]
        values = [
            value_score(
                framework, item.weighted_score, item.bid.returns, value, return_range=without
            ).score
            for item in others
        ]
        bid_ids = [item.bid.bid_id for item in others]
        order = rank_order(values, [item.weighted_score for item in others], bid_ids)
        new_positions = [0] * len(others)
        for position, index in enumerate(order):
            new_positions[index] = position
        swapped = _swapped_pairs(new_positions, bid_ids)
        if swapped:
            reversals.append(RankReversal(scored[removed].bid.bid_id, tuple(swapped)))
    return tuple(reversals)
