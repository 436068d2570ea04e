"""Appraisals: the stateless preview, and a bid's appraisal under its round's settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.compute_pool import ComputeSlotDep
from app.deps import PrincipalDep, SessionDep, reads_only
from app.problems import problem_responses
from app.schemas.appraisals import (
    MAX_SEED,
    AppraisalOut,
    AppraisalRequest,
    BidAppraisalOut,
    ScoresOut,
)
from app.schemas.appraisals.requests import SAMPLES_DESCRIPTION
from app.services.appraisals import AppraisalService, MonteCarloRequest, preview
from app.strict_route import StrictRoute
from bpv.appraisal import DEFAULT_SAMPLES, MAX_SAMPLES

# 503: every computation slot is busy (README "Limits").
router = APIRouter(route_class=StrictRoute, tags=["appraisals"], responses=problem_responses(503))


@router.post("/appraisals", dependencies=[Depends(reads_only)])
def appraise(data: AppraisalRequest, principal: PrincipalDep, _: ComputeSlotDep) -> AppraisalOut:
    """Preview an appraisal.

    Appraises cost and benefit lines under the settings in the request (SPEC 4.6) and
    stores nothing. Any authenticated caller may preview. Figures are full-precision JSON
    numbers: round them only for display.
    """
    return AppraisalOut.of(preview(data))


@router.get("/bids/{bid_id}/appraisal")
def get_bid_appraisal(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    _: ComputeSlotDep,
    monte_carlo: Annotated[
        bool | None,
        Query(description="Run Monte Carlo (true) or not (false); default: as the round says."),
    ] = None,
    samples: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_SAMPLES,
            description=f"{SAMPLES_DESCRIPTION} {DEFAULT_SAMPLES:,} unless the round says.",
        ),
    ] = None,
    seed: Annotated[
        int | None, Query(ge=0, le=MAX_SEED, description="Monte Carlo seed; 0 by default.")
    ] = None,
) -> BidAppraisalOut:
    """Appraise a bid under its round's settings.

    The bid's current version appraised and scored under its round's settings. Costs come
    from its cost lines, benefits from its monetised success hypotheses (each line traced
    to its hypothesis); `missing` says what could not be computed.
    """
    request = MonteCarloRequest(monte_carlo, samples, seed)
    result = AppraisalService(session, principal).bid_appraisal(bid_id, request)
    return BidAppraisalOut.of(
        result.appraisal,
        bid_id=result.bid_id,
        bid_version=result.bid_version,
        round_id=result.round_id,
        settings=result.settings,
        scores=ScoresOut.of(result.scores, result.criteria_version),
    )
