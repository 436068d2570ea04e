"""Conflicts of interest a panel member declares with a footprint or an organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import AfterValidator, Field

from app.schemas.common import NAMED_TEXT, ReadSchema, Schema, Text


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


# Why a panel member acts: free text, never blank.
Reason = Annotated[
    Text, AfterValidator(_not_blank), Field(min_length=1, json_schema_extra={"pattern": NAMED_TEXT})
]


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
