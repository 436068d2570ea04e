"""Appraisals: the stateless preview, and a bid's appraisal under its round's settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.compute_pool import ComputeSlotDep
from app.deps import PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.appraisals import MAX_SEED, AppraisalOut, AppraisalRequest, BidAppraisalOut
from app.services.appraisals import AppraisalService, MonteCarloRequest, preview
from bpv.appraisal import MAX_SAMPLES

# 503: every computation slot is busy (README "Limits").
router = APIRouter(tags=["appraisals"], responses=problem_responses(503))


@router.post("/appraisals")
def appraise(data: AppraisalRequest, principal: PrincipalDep, _: ComputeSlotDep) -> AppraisalOut:
    """Appraise cost and benefit lines under the given settings; nothing is stored.

    Any authenticated caller may preview. Figures are full-precision JSON numbers: the service
    rounds nothing, so round them only for display.
    """
    return preview(data)


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
            ge=1, le=MAX_SAMPLES, description="Monte Carlo samples; 10,000 unless the round says."
        ),
    ] = None,
    seed: Annotated[
        int | None, Query(ge=0, le=MAX_SEED, description="Monte Carlo seed; 0 by default.")
    ] = None,
) -> BidAppraisalOut:
    """The bid's current version appraised and scored under its round's settings.

    Costs come from its cost lines, benefits from its monetised success hypotheses (each line
    traced to its hypothesis); `missing` says what could not be computed.
    """
    request = MonteCarloRequest(monte_carlo, samples, seed)
    return AppraisalService(session, principal).bid_appraisal(bid_id, request)
