"""Funding rounds: programme areas and lifecycle (panel, envelope and criteria build on it)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import Field

from app.schemas.common import Name, ReadSchema, Schema
from bpv.lifecycle import RoundStatus

ProgrammeAreas = list[Name]


class RoundCreate(Schema):
    name: Name
    programme_areas: ProgrammeAreas = Field(min_length=1, max_length=50)


class RoundUpdate(Schema):
    name: Name | None = None
    programme_areas: ProgrammeAreas | None = Field(default=None, min_length=1, max_length=50)
    status: RoundStatus | None = Field(
        default=None, description="Moves forward only: draft → open → closed → decided."
    )


class RoundRead(ReadSchema):
    id: uuid.UUID
    name: str
    status: RoundStatus
    programme_areas: list[str]
    envelope: dict[str, Any] | None
    criteria: list[Any] | None
    settings: dict[str, Any] | None
    timeline: dict[str, Any] | None
    created_at: dt.datetime
    updated_at: dt.datetime
