"""Conflicts of interest the panel's assessors declare in a round."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.common import Page
from app.schemas.conflicts import ConflictCreate, ConflictRead
from app.services.conflicts import ConflictService, DeclaredConflict, panel_round
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["conflicts"], responses=problem_responses()
)


def conflict_read(declared: DeclaredConflict) -> ConflictRead:
    row = declared.row
    return ConflictRead(
        id=row.id,
        round_id=row.round_id,
        account_id=row.account_id,
        account_name=declared.account_name,
        footprint_id=row.footprint_id,
        organisation_id=row.organisation_id,
        reason=row.reason,
        created_at=row.created_at,
    )


@router.post(
    "/{round_id}/conflicts",
    status_code=status.HTTP_201_CREATED,
    response_model=ConflictRead,
    responses=problem_responses(409),
)
def declare_conflict(
    round_id: uuid.UUID,
    data: ConflictCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> ConflictRead | JSONResponse:
    """Declare a conflict of interest.

    An assessor of the round declares a conflict with a footprint or an organisation
    (exactly one of `footprint_id` and `organisation_id`), while the round is open or
    closed. From then on the bids of that footprint, or with that organisation as lead or
    partner in any version, are hidden from the assessor, and any scores it gave them are
    withdrawn: kept, marked, and no longer counted. Send `Idempotency-Key` to make retries
    safe.
    """
    round_ = panel_round(session, principal, round_id)
    if replayed := idempotency.replay():
        return replayed
    created = conflict_read(ConflictService(session, principal).declare(round_, data))
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("/{round_id}/conflicts")
def list_conflicts(
    round_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> Page[ConflictRead]:
    """List declared conflicts of interest.

    An assessor sees its own declarations; the round's chair and administrators see every
    declaration in the round, with who made it. Oldest first.
    """
    round_ = panel_round(session, principal, round_id)
    rows, fetched = ConflictService(session, principal).page(round_, page.window)
    items = [conflict_read(r) for r in rows]
    return page.answer(items, fetched)
