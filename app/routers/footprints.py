"""Footprints (STPs): places that bid."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.repositories.places import Footprints
from app.schemas.common import Page
from app.schemas.places import FootprintCreate, FootprintRead
from app.services.places import add_footprint
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/footprints", tags=["places"], responses=problem_responses()
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FootprintRead,
    responses=problem_responses(409),
)
def create_footprint(
    data: FootprintCreate, session: SessionDep, principal: PrincipalDep, idempotency: IdempotencyDep
) -> FootprintRead | JSONResponse:
    """Create a footprint.

    Adds a footprint (STP) with its code, name and population. Administrators only; send
    `Idempotency-Key` to make retries safe.
    """
    principal.require_admin()
    if replayed := idempotency.replay():
        return replayed
    created = FootprintRead.model_validate(add_footprint(session, data))
    idempotency.record(status.HTTP_201_CREATED, created)
    return created


@router.get("")
def list_footprints(session: SessionDep, _: PrincipalDep, page: PageDep) -> Page[FootprintRead]:
    """List footprints.

    Every footprint, by code.
    """
    fetched = Footprints(session).page(page.window)
    items = [FootprintRead.model_validate(r) for r in fetched.rows]
    return page.answer(items, fetched)
