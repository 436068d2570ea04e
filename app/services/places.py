"""Adding footprints and organisations: codes are unique, and an organisation's footprints exist."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.problems import Conflict
from app.repositories.places import Footprints, Organisations
from app.schemas.places import FootprintCreate, OrganisationCreate, OrganisationRead
from app.tables import Footprint, Organisation
from bpv.errors import InvalidInput


def add_footprint(session: Session, data: FootprintCreate) -> Footprint:
    footprints = Footprints(session)
    if footprints.by_code(data.code) is not None:
        raise Conflict(f"Footprint code {data.code!r} is taken.")
    return footprints.add(Footprint(**data.model_dump()))


def add_organisation(session: Session, data: OrganisationCreate) -> Organisation:
    organisations = Organisations(session)
    if organisations.by_code(data.code) is not None:
        raise Conflict(f"Organisation code {data.code!r} is taken.")
    footprints = Footprints(session).many(list(dict.fromkeys(data.footprint_ids)))
    found = {f.id for f in footprints}
    for index, footprint_id in enumerate(data.footprint_ids):
        if footprint_id not in found:
            raise InvalidInput(f"No footprint {footprint_id}.", f"footprint_ids[{index}]")
    row = Organisation(code=data.code, name=data.name, kind=data.kind, footprints=footprints)
    return organisations.add(row)


def organisation_read(row: Organisation) -> OrganisationRead:
    return OrganisationRead(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=row.kind,
        footprint_ids=[f.id for f in row.footprints],
        created_at=row.created_at,
    )
