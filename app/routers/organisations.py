"""Organisations: CCGs, trusts, councils and others, each in one or more footprints."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.repositories.places import Organisations
from app.schemas.common import Page
from app.schemas.places import OrganisationCreate, OrganisationRead
from app.services.places import add_organisation, organisation_read
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/organisations", tags=["places"], responses=problem_responses()
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganisationRead,
    responses=problem_responses(409),
)
def create_organisation(
    data: OrganisationCreate,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
) -> OrganisationRead | JSONResponse:
    """Create an organisation.

    Adds an organisation (CCG, trust, local authority, voluntary sector, ...) in one or
    more footprints. Administrators only; send `Idempotency-Key` to make retries safe.
    """
    principal.require_admin()
    if replayed := idempotency.replay():
        return replayed
    created = organisation_read(add_organisation(session, data))
    idempotency.record(status.HTTP_201_CREATED, created)
    return created


@router.get("")
def list_organisations(
    session: SessionDep,
    _: PrincipalDep,
    page: PageDep,
    footprint_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[OrganisationRead]:
    """List organisations.

    Every organisation, optionally only those in one footprint.
    """
    fetched = Organisations(session).page(page.window, footprint_id)
    return page.answer([organisation_read(r) for r in fetched.rows], fetched)
