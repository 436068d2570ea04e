"""A bid's cost lines, one at a time: each keeps its id across the bid's versions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, IfMatchRequired, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.bids import MAX_COST_LINES, CostLineCreate, CostLineRead, CostLineUpdate
from app.schemas.common import Page
from app.services.bids import BidService
from app.services.preconditions import etag
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute,
    prefix="/bids/{bid_id}/cost-lines",
    tags=["cost lines"],
    responses=problem_responses(),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CostLineRead,
    responses=problem_responses(409),
    description=f"Add a cost line to the draft; it gets an id that stays the same in every "
    f"later version. A version holds at most {MAX_COST_LINES} (409 naming `cost_lines` when "
    "full). Send `Idempotency-Key` to make retries safe.",
)
def create_cost_line(
    bid_id: uuid.UUID,
    data: CostLineCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> CostLineRead | JSONResponse:
    """Add a cost line."""
    if replayed := idempotency.replay():
        return replayed
    service = BidService(session, principal)
    bid = service.get(bid_id, for_update=True)
    created = service.add_cost_line(bid, data)
    response.headers["ETag"] = etag(bid.version)
    response.headers["Location"] = f"/v1/bids/{bid_id}/cost-lines/{created.id}"
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("")
def list_cost_lines(
    bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[CostLineRead]:
    """List a bid's cost lines.

    The cost lines of the bid's current version, in their order.
    """
    service = BidService(session, principal)
    return page.of(service.cost_lines(service.get(bid_id)))


@router.get("/{line_id}")
def get_cost_line(
    bid_id: uuid.UUID, line_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> CostLineRead:
    """Read a cost line.

    The current version's cost line with this id.
    """
    service = BidService(session, principal)
    return service.cost_line(service.get(bid_id), line_id)


@router.patch("/{line_id}", responses=problem_responses(409, 412, 428))
def update_cost_line(
    bid_id: uuid.UUID,
    line_id: uuid.UUID,
    data: CostLineUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchRequired,
) -> CostLineRead:
    """Edit a cost line of a draft.

    Changes the fields given; the line keeps its id. `If-Match` takes the bid's ETag (412 when
    stale, 428 when absent); the answer's `ETag` is the bid's new one.
    """
    service = BidService(session, principal)
    bid = service.get(bid_id, for_update=True)
    updated = service.update_cost_line(bid, line_id, data, if_match)
    response.headers["ETag"] = etag(bid.version)
    return updated


@router.delete(
    "/{line_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(409, 412, 428)
)
def delete_cost_line(
    bid_id: uuid.UUID,
    line_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    if_match: IfMatchRequired,
) -> Response:
    """Delete a cost line of a draft.

    Removes it from the draft; versions already submitted keep their own. `If-Match` takes the
    bid's ETag (412 when stale, 428 when absent).
    """
    service = BidService(session, principal)
    bid = service.delete_cost_line(service.get(bid_id, for_update=True), line_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"ETag": etag(bid.version)})
