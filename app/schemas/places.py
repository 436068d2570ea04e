"""Footprints (STPs) and the organisations that belong to them."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import Field

from app.schemas.common import Code, Name, Population, ReadSchema, Schema


class FootprintCreate(Schema):
    code: Code
    name: Name
    population: Population


class FootprintRead(ReadSchema):
    id: uuid.UUID
    code: str
    name: str
    population: int
    created_at: dt.datetime


class OrganisationKind(StrEnum):
    CCG = "ccg"
    TRUST = "trust"
    LOCAL_AUTHORITY = "local_authority"
    PRIMARY_CARE_NETWORK = "primary_care_network"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class OrganisationCreate(Schema):
    code: Code
    name: Name
    kind: OrganisationKind
    footprint_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)


class OrganisationRead(ReadSchema):
    id: uuid.UUID
    code: str
    name: str
    kind: OrganisationKind
    footprint_ids: list[uuid.UUID]
    created_at: dt.datetime
