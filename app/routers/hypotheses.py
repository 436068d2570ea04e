"""Success hypotheses on a bid's logic-model edges and paths."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.bids import MAX_HYPOTHESES
from app.schemas.common import Page
from app.schemas.hypotheses import HypothesisCreate, HypothesisRead
from app.services.bids import BidService
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute,
    prefix="/bids/{bid_id}/hypotheses",
    tags=["hypotheses"],
    responses=problem_responses(),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HypothesisRead,
    responses=problem_responses(409),
    description=f"Add a success hypothesis to the draft; a version holds at most "
    f"{MAX_HYPOTHESES} (409 naming `hypotheses` when full).",
)
def create_hypothesis(
    bid_id: uuid.UUID,
    data: HypothesisCreate,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> HypothesisRead | JSONResponse:
    """Add a success hypothesis.

    Adds a testable claim to the draft: an indicator moving from a baseline along a dated
    trajectory, on an edge or path of the logic model, with its evidence, confidence,
    monetisation and additionality.
    """
    if replayed := idempotency.replay():
        return replayed
    service = BidService(session, principal)
    created = service.add_hypothesis(service.get(bid_id, for_update=True), data)
    idempotency.record(status.HTTP_201_CREATED, created)
    return created


@router.get("")
def list_hypotheses(
    bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[HypothesisRead]:
    """List a bid's hypotheses.

    The success hypotheses of the bid's current version, in the order they were added.
    """
    service = BidService(session, principal)
    return page.of(service.hypotheses(service.get(bid_id)))
