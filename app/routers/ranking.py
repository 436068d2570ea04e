"""A round's ranking: bids by value score, the funding line, and rank stability (SPEC 4.8)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.compute_pool import ComputeSlotDep
from app.deps import PrincipalDep, SessionDep
from app.exports import ExportFormat, ExportFormatDep, export_responses, table_response
from app.problems import problem_responses
from app.schemas.ranking import (
    FundingLineOut,
    RankedBidOut,
    RankingOut,
    RankReversalOut,
    ScoreTermOut,
    StabilityOut,
    UnrankedBidOut,
    criterion_spreads,
    ranking_table,
)
from app.services.ranking import RankedRound, RankingService
from app.strict_route import StrictRoute
from bpv.ranking import MAX_DRAWS, MAX_SEED, RankedBid, StabilitySettings

# 503: every computation slot is busy (README "Limits").
router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["ranking"], responses=problem_responses(503)
)

DEFAULT_STABILITY = StabilitySettings()


@router.get(
    "/{round_id}/ranking",
    response_model=RankingOut,
    responses={**problem_responses(406, 409), **export_responses()},
)
def get_ranking(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    fmt: ExportFormatDep,
    _: ComputeSlotDep,
    draws: Annotated[
        int,
        Query(ge=1, le=MAX_DRAWS, description="Weight draws behind the rank stability figures."),
    ] = DEFAULT_STABILITY.draws,
    spread: Annotated[
        float,
        Query(
            ge=0,
            lt=1,
            description="Each weight is drawn times U(1 - spread, 1 + spread), then the weights "
            "are renormalised to sum to 1.",
        ),
    ] = DEFAULT_STABILITY.spread,
    seed: Annotated[
        int, Query(ge=0, le=MAX_SEED, description="The same seed draws the same weights.")
    ] = DEFAULT_STABILITY.seed,
) -> RankingOut | Response:
    """Rank a round's bids.

    The bids of a closed or decided round (409 before), ranked by value score from their
    appraisal snapshots and the counted assessors' scores, under the round's criteria and
    settings; with the funding line inside the envelope, each bid's rank range (P5-P95) and
    probability of lying inside the line over seeded weight draws, its rank acceptability,
    and any rank reversals. The round's chair and administrators see every bid; a programme
    office only its own footprint's, without the cumulative and funded totals that would
    disclose other bids' requests; assessors and integrations may not read it (403).
    `?format=csv|xlsx` (or `Accept`) answers the items as a table.
    """
    stability = StabilitySettings(draws=draws, spread=spread, seed=seed)
    ranked = ranking_out(RankingService(session, principal).round_ranking(round_id, stability))
    if fmt is ExportFormat.JSON:
        return ranked
    columns, rows = ranking_table(ranked)
    return table_response(fmt, columns, rows, name=f"ranking-{round_id}")


def ranking_out(ranked: RankedRound) -> RankingOut:
    ranking = ranked.ranking
    line = ranking.funding_line
    return RankingOut(
        round_id=ranked.round.id,
        criteria_version=ranked.round.criteria_version,
        settings_version=ranked.round.settings_version,
        combination=ranked.settings.combination,
        envelope=ranked.envelope,
        funding_line=None
        if line is None
        else FundingLineOut(
            envelope=line.envelope,
            funded_count=line.funded_count,
            funded_total=line.funded_total if ranked.discloses_totals else None,
        ),
        stability=StabilityOut(
            draws=ranked.stability.draws,
            spread=ranked.stability.spread,
            seed=ranked.stability.seed,
        ),
        items=[_item(ranked, item) for item in ranking.items],
        unranked=[
            UnrankedBidOut(bid_id=uuid.UUID(item.bid_id), reason=item.reason)
            for item in ranking.unranked
        ],
        reversals=[
            RankReversalOut(
                removed=uuid.UUID(reversal.removed),
                swapped=[(uuid.UUID(a), uuid.UUID(b)) for a, b in reversal.swapped],
            )
            for reversal in ranking.reversals
        ],
    )


def _item(ranked: RankedRound, item: RankedBid) -> RankedBidOut:
    bid_id = uuid.UUID(item.bid_id)
    bid = ranked.bids[bid_id]
    panel = ranked.panel.get(bid_id)
    combined = item.combined
    by_assessor = [] if combined is None else [a.score.terms for a in combined.by_assessor]
    assert bid.snapshot is not None  # a ranked bid has one
    return RankedBidOut(
        bid_id=bid_id,
        title=bid.title,
        footprint_id=bid.bid.footprint_id,
        rank=item.rank,
        weighted_score=item.weighted_score,
        assessed_weighted_score=None if combined is None else combined.weighted_score,
        moderated_score=None if panel is None else panel.moderated_score,
        moderation_reason=None if panel is None else panel.moderation_reason,
        moderated=item.moderated,
        value_score=item.value.score,
        terms=[ScoreTermOut.of(term) for term in item.value.terms],
        criteria=[] if combined is None else [ScoreTermOut.of(term) for term in combined.terms],
        spread=criterion_spreads(
            ranked.framework, by_assessor, ranked.settings.disagreement_tolerance
        ),
        disagreement=combined is not None and combined.disagreement,
        assessors=0 if panel is None else len(panel.counted),
        requested_funding=bid.snapshot.requested_funding,
        cumulative_funding=item.cumulative_funding if ranked.discloses_totals else None,
        inside_line=item.inside_line,
        rank_range=item.rank_range,
        p_above_line=item.p_above_line,
        rank_acceptability=None
        if item.rank_acceptability is None
        else {str(rank): share for rank, share in sorted(item.rank_acceptability.items())},
    )
