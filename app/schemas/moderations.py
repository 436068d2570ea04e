"""The chair's moderated weighted score of a bid, stored beside the assessors' scores."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from app.schemas.common import Number, ReadSchema, Schema
from app.schemas.conflicts import Reason


class ModerationCreate(Schema):
    bid_id: uuid.UUID
    weighted_score: Number = Field(
        description="On the framework's weighted scale: from the sum of weight x min to the "
        "sum of weight x max over its criteria."
    )
    reason: Reason


class ModerationRead(ReadSchema):
    id: uuid.UUID
    round_id: uuid.UUID
    bid_id: uuid.UUID
    account_id: uuid.UUID | None = Field(
        description="The chair; null where the panel is not named (a programme office)."
    )
    account_name: str | None
    weighted_score: float
    reason: str
    criteria_version: int
    created_at: dt.datetime
    superseded_at: dt.datetime | None = Field(
        description="When a later moderation replaced it; null for the current one."
    )
