"""A funded bid's delivery: into delivery once approved, then closed when it ends."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.deps import IfMatch, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.bids import BidRead
from app.services.bids import BidService
from app.services.preconditions import etag
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/bids", tags=["bids"], responses=problem_responses()
)


@router.post("/{bid_id}/start-delivery", responses=problem_responses(409, 412))
def start_delivery(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> BidRead:
    """Start delivering an approved bid.

    Moves an approved (or approved with conditions) bid into delivery; 409 for a bid in any
    other state. `If-Match` is optional. Administrators only.
    """
    service = BidService(session, principal)
    bid = service.start_delivery(service.get(bid_id, for_update=True), if_match)
    response.headers["ETag"] = etag(bid.version)
    return service.read(bid)


@router.post("/{bid_id}/close", responses=problem_responses(409, 412))
def close_bid(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> BidRead:
    """Close a delivered bid.

    Closes a bid whose delivery has ended; 409 for a bid not in delivery. `If-Match` is
    optional. Administrators only.
    """
    service = BidService(session, principal)
    bid = service.close(service.get(bid_id, for_update=True), if_match)
    response.headers["ETag"] = etag(bid.version)
    return service.read(bid)
