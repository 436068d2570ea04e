"""The ranking of a funding round's bids by value score, with its funding line, rank stability
and rank-reversal check (SPEC 4.8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bpv.appraisal.validation import require_finite, require_fraction, require_non_negative
from bpv.errors import InvalidInput
from bpv.ranking.funding_line import FundingLine, inside_line
from bpv.ranking.inputs import MAX_STABILITY_CELLS, BidToRank, StabilitySettings
from bpv.ranking.ordering import rank_order
from bpv.ranking.reversal import RankReversal, rank_reversals, return_range
from bpv.ranking.scored import ScoredBid
from bpv.ranking.stability import BidStability, rank_stability
from bpv.scoring import (
    DEFAULT_DISAGREEMENT_TOLERANCE,
    WEIGHT_TOLERANCE,
    Combination,
    CombinedScore,
    CriteriaFramework,
    CriterionSource,
    ValueSettings,
    WeightedScore,
    check_return_counted_once,
    combine_assessments,
    return_measure_value,
    value_score,
)


@dataclass(frozen=True)
class RankedBid:
    """A bid's place in the ranking. `weighted_score` is the moderated score when `moderated`,
    else the combined one; `value` is the value score that ranks it, with its terms;
    `cumulative_funding` the requests of the bids up to and including it. The funding line and
    stability figures are None when the ranking has no envelope or no stability draws."""

    bid_id: str
    rank: int
    combined: CombinedScore | None
    weighted_score: float
    moderated: bool
    value: WeightedScore
    cumulative_funding: float
    inside_line: bool | None
    rank_range: tuple[int, int] | None
    p_above_line: float | None
    rank_acceptability: Mapping[int, float] | None


@dataclass(frozen=True)
class UnrankedBid:
    bid_id: str
    reason: str


@dataclass(frozen=True)
class Ranking:
    """`items` in rank order (rank 1 best); `stability` the draws the stability figures come
    from, or None."""

    items: tuple[RankedBid, ...]
    unranked: tuple[UnrankedBid, ...]
    funding_line: FundingLine | None
    reversals: tuple[RankReversal, ...]
    stability: StabilitySettings | None


_NOT_SCORED = "no counted assessor has scored it and it has no moderated score"


def _check_bids(framework: CriteriaFramework, bids: Sequence[BidToRank]) -> None:
    seen: set[str] = set()
    scale = framework.weighted_scale
    for index, bid in enumerate(bids):
        at = f"bids[{index}]"
        if bid.bid_id in seen:
            raise InvalidInput(f"bid {bid.bid_id!r} is listed twice", f"{at}.bid_id")
        seen.add(bid.bid_id)
        bid.returns.check(f"{at}.returns")
        require_non_negative(bid.returns.requested_funding, f"{at}.returns.requested_funding")
        if bid.moderated_score is not None:
            moderated = require_finite(bid.moderated_score, f"{at}.moderated_score")
            if not scale.min - WEIGHT_TOLERANCE <= moderated <= scale.max + WEIGHT_TOLERANCE:
                raise InvalidInput(
                    f"moderated score {moderated} is outside {scale.min:g} to {scale.max:g}",
                    f"{at}.moderated_score",
                )


def _combined(
    framework: CriteriaFramework,
    bid: BidToRank,
    index: int,
    combination: Combination,
    disagreement_tolerance: float,
) -> CombinedScore:
    try:
        return combine_assessments(
            framework,
            bid.assessments,
            bid.computed,
            combination=combination,
            disagreement_threshold=disagreement_tolerance,
        )
    except InvalidInput as error:
        raise InvalidInput(error.message, f"bids[{index}].{error.field}") from None


def rank_bids(
    framework: CriteriaFramework,
    bids: Sequence[BidToRank],
    *,
    value: ValueSettings,
    combination: Combination = Combination.MEAN,
    disagreement_tolerance: float = DEFAULT_DISAGREEMENT_TOLERANCE,
    envelope: float | None = None,
    stability: StabilitySettings | None = StabilitySettings(),
) -> Ranking:
    """Rank a round's bids by value score descending, then weighted score descending, then bid
    id ascending; scores equal to nine decimals rank as equal.

    A bid no counted assessor scored while the framework has assessor-scored criteria, and with
    no moderated score, is not ranked. Walking down the ranking, a bid is inside the funding line
    while the cumulative request through it is at most the envelope (`envelope=None`: no line).
    With `stability`, each bid's rank range, chance of funding and rank acceptability come from
    seeded weight draws; the reversal check lists removals of one bid that swap two others.
    Refuses a value score that counts return twice.
    """
    value.validate("value")
    check_return_counted_once(framework, value, "value")
    require_fraction(disagreement_tolerance, "disagreement_tolerance")
    if envelope is not None:
        require_non_negative(envelope, "envelope")
    _check_bids(framework, bids)

    assessed = any(c.source is CriterionSource.ASSESSOR for c in framework.criteria)
    unranked = []
    scores: list[tuple[BidToRank, CombinedScore | None, float]] = []
    for index, bid in enumerate(bids):
        if assessed and not bid.assessments:
            if bid.moderated_score is None:
                unranked.append(UnrankedBid(bid.bid_id, _NOT_SCORED))
            else:
                scores.append((bid, None, bid.moderated_score))
            continue
        combined = _combined(framework, bid, index, combination, disagreement_tolerance)
        weighted = combined.weighted_score if bid.moderated_score is None else bid.moderated_score
        scores.append((bid, combined, weighted))

    over_round = return_range([return_measure_value(bid.returns, value) for bid, _, _ in scores])
    values = [
        value_score(framework, weighted, bid.returns, value, return_range=over_round)
        for bid, _, weighted in scores
    ]
    order = rank_order(
        [v.score for v in values], [w for _, _, w in scores], [bid.bid_id for bid, _, _ in scores]
    )
    scored = [ScoredBid(*scores[i], values[i]) for i in order]

    requested = np.array([item.bid.returns.requested_funding for item in scored])
    cumulative = np.cumsum(requested)
    inside: Sequence[bool | None] = [None] * len(scored)
    line = None
    if envelope is not None:
        fits: list[bool] = inside_line(cumulative, envelope).tolist()
        inside, funded = fits, sum(fits)
        line = FundingLine(envelope, funded, float(cumulative[funded - 1]) if funded else 0.0)
    stable: Sequence[BidStability | None] = [None] * len(scored)
    if stability is not None:
        cells = len(scores) * stability.draws
        if cells > MAX_STABILITY_CELLS:
            most = max(1, MAX_STABILITY_CELLS // max(1, len(scores)))
            raise InvalidInput(
                f"{len(scores):,} bids x {stability.draws:,} draws is over the "
                f"{MAX_STABILITY_CELLS:,} a stability run may take; ask for at most {most:,} draws",
                "draws",
            )
        stable = rank_stability(
            framework,
            scored,
            value=value,
            combination=combination,
            envelope=envelope,
            settings=stability,
        )
    items = tuple(
        RankedBid(
            bid_id=item.bid.bid_id,
            rank=rank,
            combined=item.combined,
            weighted_score=item.weighted_score,
            moderated=item.moderated,
            value=item.value,
            cumulative_funding=float(total),
            inside_line=is_inside,
            rank_range=None if figures is None else figures.rank_range,
            p_above_line=None if figures is None else figures.p_above_line,
            rank_acceptability=None if figures is None else figures.rank_acceptability,
        )
        for rank, (item, total, is_inside, figures) in enumerate(
            zip(scored, cumulative.tolist(), inside, stable, strict=True), start=1
        )
    )
    return Ranking(
        items=items,
        unranked=tuple(unranked),
        funding_line=line,
        reversals=rank_reversals(framework, scored, value),
        stability=stability,
    )
