"""Conflicts of interest a panel member declares with a footprint or an organisation."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from app.schemas.common import ReadSchema, Schema, Statement

# Why a panel member acts: free text, never blank.
Reason = Statement


class ConflictCreate(Schema):
    footprint_id: uuid.UUID | None = Field(
        default=None, description="The footprint the conflict is with; or name an organisation."
    )
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="The organisation the conflict is with (as a bid's lead or partner); or "
        "name a footprint. Exactly one of the two.",
    )
    reason: Reason


class ConflictRead(ReadSchema):
    id: uuid.UUID
    round_id: uuid.UUID
    account_id: uuid.UUID = Field(description="The panel member who declared it.")
    account_name: str
    footprint_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    reason: str
    created_at: dt.datetime
