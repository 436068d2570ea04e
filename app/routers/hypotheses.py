"""Success hypotheses on a bid's logic-model edges and paths."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, IfMatchRequired, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.bids import MAX_HYPOTHESES
from app.schemas.common import Page
from app.schemas.hypotheses import HypothesisCreate, HypothesisRead, HypothesisUpdate
from app.services.bids import BidService
from app.services.preconditions import etag
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


@router.get("/{hypothesis_id}")
def get_hypothesis(
    bid_id: uuid.UUID, hypothesis_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> HypothesisRead:
    """Read a hypothesis.

    The current version's copy of the hypothesis; its id is the same in every version.
    """
    service = BidService(session, principal)
    bid = service.get(bid_id)
    return service.read_hypothesis(bid, service.hypothesis(bid, hypothesis_id))


@router.patch("/{hypothesis_id}", responses=problem_responses(409, 412, 428))
def update_hypothesis(
    bid_id: uuid.UUID,
    hypothesis_id: uuid.UUID,
    data: HypothesisUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchRequired,
) -> HypothesisRead:
    """Edit a hypothesis of a draft.

    Changes the fields given and checks the result as a new hypothesis is checked (its edge or
    path must be in the logic model). `If-Match` takes the bid's ETag (412 when stale, 428 when
    absent); the answer's `ETag` is the bid's new one.
    """
    service = BidService(session, principal)
    bid = service.get(bid_id, for_update=True)
    updated = service.update_hypothesis(bid, hypothesis_id, data, if_match)
    response.headers["ETag"] = etag(bid.version)
    return updated


@router.delete(
    "/{hypothesis_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(409, 412, 428),
)
def delete_hypothesis(
    bid_id: uuid.UUID,
    hypothesis_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    if_match: IfMatchRequired,
) -> Response:
    """Delete a hypothesis of a draft.

    Removes it from the draft; versions already submitted keep their own copy. `If-Match`
    takes the bid's ETag (412 when stale, 428 when absent).
    """
    service = BidService(session, principal)
    bid = service.delete_hypothesis(service.get(bid_id, for_update=True), hypothesis_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"ETag": etag(bid.version)})
