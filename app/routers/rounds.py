"""Funding rounds: their lifecycle, envelope, criteria framework and appraisal settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, IfMatchRequired, PageDep, PrincipalDep, SessionDep
from app.problems import NotFound, problem_responses
from app.repositories.rounds import Rounds
from app.schemas.common import Page
from app.schemas.rounds import RoundCreate, RoundRead, RoundUpdate
from app.services.preconditions import check_if_match, etag
from app.services.rounds import RoundService, round_read
from app.strict_route import StrictRoute
from app.tables import Round
from bpv.lifecycle import RoundStatus

router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["rounds"], responses=problem_responses()
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RoundRead)
def create_round(
    data: RoundCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> RoundRead | JSONResponse:
    """Create a funding round.

    Adds a draft round with its programme areas; envelope, criteria, appraisal settings and
    timeline take their stated defaults unless given. Administrators only; send
    `Idempotency-Key` to make retries safe.
    """
    principal.require_admin()
    if replayed := idempotency.replay():
        return replayed
    row = RoundService(session, Rounds(session, principal)).create(data)
    response.headers["ETag"] = etag(row.version)
    created = round_read(row)
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("")
def list_rounds(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    status: Annotated[RoundStatus | None, Query()] = None,
) -> Page[RoundRead]:
    """List funding rounds.

    The rounds the caller may see: every round for an administrator, those past draft for a
    programme office or an integration, and its own for a panel member.
    """
    fetched = Rounds(session, principal).page(page.window, status)
    items = [round_read(r) for r in fetched.rows]
    return page.answer(items, fetched)


def _get(
    session: SessionDep, principal: PrincipalDep, round_id: uuid.UUID, *, for_update: bool = False
) -> Round:
    row = Rounds(session, principal).get(round_id, for_update=for_update)
    if row is None:
        raise NotFound(f"No round {round_id}.")
    return row


@router.get("/{round_id}")
def get_round(
    round_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, response: Response
) -> RoundRead:
    """Read a funding round.

    The round with its envelope, criteria framework, settings and status. The `ETag` header
    is what `If-Match` takes on the next write.
    """
    row = _get(session, principal, round_id)
    response.headers["ETag"] = etag(row.version)
    return round_read(row)


@router.patch("/{round_id}", responses=problem_responses(409, 412, 428))
def update_round(
    round_id: uuid.UUID,
    data: RoundUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchRequired,
) -> RoundRead:
    """Change a funding round.

    Moves the round through draft, open, closed and decided, or changes its configuration.
    Criteria and settings change only while it is a draft (each change is a new version);
    opening freezes them and fixes the base year (the settings' own, or the financial year
    it opens in). Closing moves its submitted bids to assessment; deciding needs a decision
    on every one of them and moves them to their outcomes; a decided round is read-only
    (409). `If-Match` is required (412 when stale, 428 when absent). Administrators only.
    """
    row = _get(session, principal, round_id, for_update=True)
    principal.require_admin()
    check_if_match(if_match, row.version, required=True)
    RoundService(session, Rounds(session, principal)).update(row, data)
    response.headers["ETag"] = etag(row.version)
    return round_read(row)
