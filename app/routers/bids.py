"""Bids: drafting, listing, and the lifecycle steps with their version history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth import Principal
from app.deps import (
    Cursor,
    IdempotencyDep,
    IfMatch,
    IfMatchRequired,
    Offset,
    PrincipalDep,
    SessionDep,
    WithTotal,
    page_of,
)
from app.problems import problem_responses
from app.reads import ReaderDep
from app.repositories.bid_answers import BidFilters
from app.repositories.pages import Window
from app.schemas.bids import (
    MAX_BIDS_PAGE,
    MAX_VERSIONS_PAGE,
    BidCreate,
    BidRead,
    BidUpdate,
    BidVersionRead,
)
from app.schemas.common import Page
from app.services.bids import BidService
from app.services.preconditions import etag
from app.strict_route import StrictRoute
from app.tables import Bid
from bpv.lifecycle import BidStatus

router = APIRouter(
    route_class=StrictRoute, prefix="/bids", tags=["bids"], responses=problem_responses()
)


def _answer(service: BidService, bid: Bid, response: Response) -> BidRead:
    response.headers["ETag"] = etag(bid.version)
    return service.read(bid)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=BidRead,
    responses=problem_responses(409),
)
def create_bid(
    data: BidCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> BidRead | JSONResponse:
    """Draft a bid.

    Creates a draft bid in an open round, in the programme office's own footprint unless
    another of its footprints is named. Send `Idempotency-Key` to make retries safe.
    """
    if replayed := idempotency.replay():
        return replayed
    service = BidService(session, principal)
    bid = service.create(data)
    response.headers["Location"] = f"/v1/bids/{bid.id}"
    created = _answer(service, bid, response)
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("", response_model=Page[BidRead])
async def list_bids(
    read: ReaderDep,
    round_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[BidStatus | None, Query()] = None,
    footprint_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_BIDS_PAGE, description="Bids per page (each with its content).")
    ] = MAX_BIDS_PAGE,
    cursor: Cursor = None,
    offset: Offset = 0,
    with_total: WithTotal = False,
) -> Response:
    """List bids.

    The bids the caller may see, oldest first, filtered by round, status or footprint; up to
    `limit` to a page, fewer when their contents are large. Follow `next_cursor` for the
    next page.
    """
    window = Window(limit, offset, cursor, with_total)
    filters = BidFilters(round_id, status, footprint_id)

    def answer(session: Session, principal: Principal) -> Response:
        bids, fetched = BidService(session, principal).page(window, filters)
        return _serialised(page_of(bids, window, fetched))

    return await read(answer)


@router.get("/{bid_id}", response_model=BidRead)
async def get_bid(bid_id: uuid.UUID, read: ReaderDep) -> Response:
    """Read a bid.

    The bid's current version. The `ETag` header is what `If-Match` takes on the next
    write.
    """

    def answer(session: Session, principal: Principal) -> Response:
        bid, found = BidService(session, principal).get_read(bid_id)
        return _serialised(found, headers={"ETag": etag(bid["version"])})

    return await read(answer)


@router.patch("/{bid_id}", responses=problem_responses(409, 412, 428))
def update_bid(
    bid_id: uuid.UUID,
    data: BidUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchRequired,
) -> BidRead:
    """Edit a draft bid.

    Changes the fields given and leaves the others as they are. Only a draft can be edited;
    `If-Match` is required (412 when stale, 428 when absent).
    """
    service = BidService(session, principal)
    bid = service.update(service.get(bid_id, for_update=True), data, if_match)
    return _answer(service, bid, response)


@router.post("/{bid_id}/submit", responses=problem_responses(409, 412))
def submit_bid(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> BidRead:
    """Submit a bid.

    Freezes the current version for assessment. Refused with 409 while the logic model or
    hypotheses have error findings; `If-Match` is optional.
    """
    service = BidService(session, principal)
    return _answer(
        service, service.submit(service.get(bid_id, for_update=True), if_match), response
    )


@router.post("/{bid_id}/withdraw", responses=problem_responses(409, 412))
def withdraw_bid(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> BidRead:
    """Withdraw a bid.

    Withdraws a bid in any state before a decision; `If-Match` is optional.
    """
    service = BidService(session, principal)
    return _answer(
        service, service.withdraw(service.get(bid_id, for_update=True), if_match), response
    )


@router.post("/{bid_id}/revise", responses=problem_responses(409, 412))
def revise_bid(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> BidRead:
    """Revise a submitted bid.

    Opens the next draft version, a copy of the submitted one, which stays readable; `If-
    Match` is optional.
    """
    service = BidService(session, principal)
    return _answer(
        service, service.revise(service.get(bid_id, for_update=True), if_match), response
    )


@router.get("/{bid_id}/versions", response_model=Page[BidVersionRead])
def list_bid_versions(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_VERSIONS_PAGE, description="Versions per page (each is a whole bid)."),
    ] = MAX_VERSIONS_PAGE,
    cursor: Cursor = None,
    offset: Offset = 0,
    with_total: WithTotal = False,
) -> Response:
    """List a bid's versions.

    Every version of the bid as it was, oldest first, with its logic model and hypotheses;
    few to a page, as each is a whole bid.
    """
    service = BidService(session, principal)
    window = Window(limit, offset, cursor, with_total)
    versions, fetched = service.versions(service.get(bid_id), window)
    return _serialised(page_of(versions, window, fetched))


def _serialised(answer: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """The answer serialised once, by pydantic, in the handler's thread: FastAPI's own pass
    would validate it again and copy it twice more, after another trip to the threadpool."""
    return Response(answer.model_dump_json(), media_type="application/json", headers=headers)
