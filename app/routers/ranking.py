"""A round's ranking: bids by value score, the funding line, and rank stability (SPEC 4.8)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.compute_pool import ComputeSlotDep
from app.deps import PrincipalDep, SessionDep
from app.exports import ExportFormat, ExportFormatDep, export_responses, table_response
from app.problems import problem_responses
from app.schemas.ranking import RankingOut, ranking_table
from app.services.ranking import RankingService
from app.strict_route import StrictRoute
from bpv.ranking import MAX_DRAWS, MAX_SEED, StabilitySettings

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
    ranked = RankingOut.of(RankingService(session, principal).round_ranking(round_id, stability))
    if fmt is ExportFormat.JSON:
        return ranked
    columns, rows = ranking_table(ranked)
    return table_response(fmt, columns, rows, name=f"ranking-{round_id}")
