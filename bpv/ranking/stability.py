"""Rank stability (SPEC 4.8): how far each rank moves as the criteria weights vary.

From seeded weight draws, each bid's rank range (P5-P95), its probability of lying inside the
funding line and its SMAA-2 rank acceptability indices, computed for every draw at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bpv.ranking.funding_line import inside_line
from bpv.ranking.inputs import StabilitySettings
from bpv.ranking.ordering import score_keys
from bpv.ranking.scored import ScoredBid
from bpv.scoring import Combination, CombinedScore, CriteriaFramework, ValueSettings


@dataclass(frozen=True)
class BidStability:
    """`rank_acceptability` maps each rank the bid takes in some draw to the share of draws in
    which it takes it; `p_above_line` is None when there is no funding line."""

    rank_range: tuple[int, int]
    p_above_line: float | None
    rank_acceptability: Mapping[int, float]


def drawn_weights(framework: CriteriaFramework, settings: StabilitySettings) -> NDArray[np.float64]:
    """A criteria x draws matrix: each weight times an independent U(1 - spread, 1 + spread)
    factor, each column renormalised to sum to 1."""
    rng = np.random.default_rng(settings.seed)
    weights = np.array([c.weight for c in framework.criteria])
    factors = rng.uniform(
        1.0 - settings.spread, 1.0 + settings.spread, (len(weights), settings.draws)
    )
    drawn: NDArray[np.float64] = weights[:, np.newaxis] * factors
    normalised: NDArray[np.float64] = drawn / drawn.sum(axis=0)
    return normalised


def _assessor_tensor(combined: Sequence[CombinedScore], criteria: int) -> NDArray[np.float64]:
    """bids x assessors x criteria values, NaN where a bid has fewer assessors than the most; a
    bid of computed criteria only counts as one assessor giving the computed values."""
    most = max((len(c.by_assessor) for c in combined), default=0)
    tensor = np.full((len(combined), max(most, 1), criteria), np.nan)
    for row, score in enumerate(combined):
        if not score.by_assessor:
            tensor[row, 0] = [term.value for term in score.terms]
        for column, assessor in enumerate(score.by_assessor):
            tensor[row, column] = [term.value for term in assessor.score.terms]
    return tensor


def _drawn_combined(
    combined: Sequence[CombinedScore],
    weights: NDArray[np.float64],
    combination: Combination,
) -> NDArray[np.float64]:
    """bids x draws combined weighted scores under the drawn weights."""
    if combination is Combination.MEAN:
        # The mean of weighted scores is the weighted sum of per-criterion means.
        means = np.array([[term.value for term in score.terms] for score in combined])
        drawn: NDArray[np.float64] = means @ weights
        return drawn
    tensor = _assessor_tensor(combined, weights.shape[0])
    counts = np.array([max(len(score.by_assessor), 1) for score in combined])
    return _median_over_assessors(tensor @ weights, counts)


def _median_over_assessors(
    per_assessor: NDArray[np.float64], counts: NDArray[np.intp]
) -> NDArray[np.float64]:
    """What np.nanmedian(per_assessor, axis=1) gives for bids x assessors x draws scores, NaN
    past each bid's `counts` assessors; sorting puts NaN last, so each bid's median is the mean
    of the middle two of its first `counts` values (the same one twice for an odd count). This
    is several times quicker than np.nanmedian on a round's tensor."""
    ordered = np.sort(per_assessor, axis=1)
    lower = ((counts - 1) // 2)[:, np.newaxis, np.newaxis]
    upper = (counts // 2)[:, np.newaxis, np.newaxis]
    middle = np.take_along_axis(ordered, lower, axis=1) + np.take_along_axis(ordered, upper, axis=1)
    median: NDArray[np.float64] = 0.5 * middle[:, 0, :]
    return median


def drawn_weighted_scores(
    scored: Sequence[ScoredBid], weights: NDArray[np.float64], combination: Combination
) -> NDArray[np.float64]:
    """bids x draws weighted scores. A moderated bid keeps its moderation's offset from the
    combined score; one with no combined score keeps its moderated score as it stands."""
    combined = [item.combined for item in scored if item.combined is not None]
    has_combined = np.array([item.combined is not None for item in scored])
    drawn = np.zeros((len(scored), weights.shape[1]))
    if combined:
        drawn[has_combined] = _drawn_combined(combined, weights, combination)
    moderated = np.array(
        [
            np.nan if item.bid.moderated_score is None else item.bid.moderated_score
            for item in scored
        ]
    )
    base = np.array(
        [np.nan if item.combined is None else item.combined.weighted_score for item in scored]
    )
    offset = np.where(np.isnan(moderated), 0.0, moderated - base)
    weighted: NDArray[np.float64] = np.where(
        has_combined[:, np.newaxis], drawn + offset[:, np.newaxis], moderated[:, np.newaxis]
    )
    return weighted


def drawn_value_scores(
    framework: CriteriaFramework,
    scored: Sequence[ScoredBid],
    weighted: NDArray[np.float64],
    weights: NDArray[np.float64],
    value: ValueSettings,
) -> NDArray[np.float64]:
    """bids x draws value scores: the quality fraction on each draw's weighted scale
    (sum of weight x min to sum of weight x max), plus the bid's return term, which does not
    depend on the criteria weights."""
    low = np.array([c.scale.min for c in framework.criteria]) @ weights
    high = np.array([c.scale.max for c in framework.criteria]) @ weights
    # A moderation's offset can carry a score past the ends of a drawn scale.
    quality = np.clip((weighted - low) / (high - low), 0.0, 1.0)
    returns = np.array([item.value.terms[1].contribution for item in scored])
    values: NDArray[np.float64] = value.quality_weight * quality + returns[:, np.newaxis]
    return values


def _acceptability(ordered: NDArray[np.intp]) -> list[dict[int, float]]:
    """Per bid, the share of draws in which it takes each rank it takes, from its ranks over the
    draws sorted along each row."""
    bids, draws = ordered.shape
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    rows, columns = np.nonzero(starts)
    row_ends = np.append(rows[1:] != rows[:-1], True)
    ends = np.where(row_ends, draws, np.append(columns[1:], draws))
    taken = ordered[rows, columns].tolist()
    shares = ((ends - columns) / draws).tolist()
    bounds = np.searchsorted(rows, np.arange(bids + 1)).tolist()
    return [
        dict(zip(taken[first:last], shares[first:last], strict=True))
        for first, last in itertools.pairwise(bounds)
    ]


def rank_stability(
    framework: CriteriaFramework,
    scored: Sequence[ScoredBid],
    *,
    value: ValueSettings,
    combination: Combination,
    envelope: float | None,
    settings: StabilitySettings,
) -> tuple[BidStability, ...]:
    """Stability of a ranking whose bids `scored` are given in rank order (rank 1 first)."""
    if not scored:
        return ()
    weights = drawn_weights(framework, settings)
    weighted = drawn_weighted_scores(scored, weights, combination)
    values = drawn_value_scores(framework, scored, weighted, weights, value)
    # Rows are in the base order and lexsort is stable: ties in a draw keep the base order.
    order = np.lexsort((-score_keys(weighted), -score_keys(values)), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(scored) + 1)[:, np.newaxis], axis=0)

    p_above: list[float] | list[None] = [None] * len(scored)
    if envelope is not None:
        requested = np.array([item.bid.returns.requested_funding for item in scored])
        inside_in_order = inside_line(np.cumsum(requested[order], axis=0), envelope)
        inside = np.empty_like(inside_in_order)
        np.put_along_axis(inside, order, inside_in_order, axis=0)
        p_above = inside.mean(axis=1).tolist()

    ordered = np.sort(ranks, axis=1)
    low, high = np.percentile(ordered, [5, 95], axis=1, method="inverted_cdf").astype(int).tolist()
    return tuple(
        BidStability((first, last), p, acceptability)
        for first, last, p, acceptability in zip(
            low, high, p_above, _acceptability(ordered), strict=True
        )
    )
