"""Organisations: CCGs, trusts, councils and others, each in one or more footprints."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import Conflict, problem_responses
from app.repositories.places import Footprints, Organisations
from app.schemas.common import Page
from app.schemas.places import OrganisationCreate, OrganisationRead
from app.tables import Organisation
from bpv.errors import InvalidInput

router = APIRouter(prefix="/organisations", tags=["places"], responses=problem_responses())


def _read(row: Organisation) -> OrganisationRead:
    return OrganisationRead(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=row.kind,
        footprint_ids=[f.id for f in row.footprints],
        created_at=row.created_at,
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
    principal.require_admin()
    if replayed := idempotency.replay():
        return replayed
    organisations = Organisations(session)
    if organisations.by_code(data.code) is not None:
        raise Conflict(f"Organisation code {data.code!r} is taken.")
    wanted = list(dict.fromkeys(data.footprint_ids))
    footprints = Footprints(session).many(wanted)
    found = {f.id for f in footprints}
    for i, footprint_id in enumerate(data.footprint_ids):
        if footprint_id not in found:
            raise InvalidInput(f"No footprint {footprint_id}.", f"footprint_ids[{i}]")
    row = Organisation(code=data.code, name=data.name, kind=data.kind, footprints=footprints)
    created = _read(organisations.add(row))
    idempotency.record(status.HTTP_201_CREATED, created)
    return created


@router.get("")
def list_organisations(
    session: SessionDep,
    _: PrincipalDep,
    page: PageDep,
    footprint_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[OrganisationRead]:
    rows, total = Organisations(session).page(page.limit, page.offset, footprint_id)
    return Page(items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset)
