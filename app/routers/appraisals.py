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
)
from app.schemas.appraisals.requests import SAMPLES_DESCRIPTION
from app.services.appraisals import MonteCarloRequest, preview
from app.services.bid_appraisals import BidAppraisals
from app.services.snapshots import appraisal_out, stored_appraisal
from app.strict_route import StrictRoute
from app.tables import AppraisalSnapshot
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
    to its hypothesis); `missing` says what could not be computed. A submitted version
    answers with the snapshot stored at its submission (`snapshot_at`), the figures the
    panel, the ranking and the decision read, unless the request asks for a Monte Carlo
    run of its own.
    """
    request = MonteCarloRequest(monte_carlo, samples, seed)
    result = BidAppraisals(session, principal).of_bid(bid_id, request)
    if isinstance(result, AppraisalSnapshot):
        return stored_appraisal(result)
    return appraisal_out(result)
