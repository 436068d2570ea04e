"""An assessor's scores of a bid against the round's assessor-scored criteria."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from app.schemas.common import Key, Number, ReadSchema, Schema, Text

# A framework has at most this many criteria (app/schemas/rounds.py).
MAX_SCORES = 50


class ScoreIn(Schema):
    criterion: Key = Field(description="An assessor-scored criterion of the round's framework.")
    score: Number = Field(description="On the criterion's own scale.")
    comment: Text | None = None


class AssessmentCreate(Schema):
    bid_id: uuid.UUID
    scores: list[ScoreIn] = Field(
        max_length=MAX_SCORES,
        description="One score for every assessor-scored criterion of the round, each once.",
    )


class ScoreRead(ReadSchema):
    criterion: str
    score: float
    comment: str | None


class AssessmentRead(ReadSchema):
    id: uuid.UUID
    round_id: uuid.UUID
    bid_id: uuid.UUID
    bid_version: int = Field(description="The bid version that was scored.")
    account_id: uuid.UUID | None = Field(
        description="The assessor; null where the assessors are not named (a programme office)."
    )
    account_name: str | None
    criteria_version: int
    scores: list[ScoreRead]
    created_at: dt.datetime
    superseded_at: dt.datetime | None = Field(
        description="When the assessor scored the bid again; null for its current scores."
    )
    withdrawn: bool = Field(
        description="The assessor declared a conflict of interest with the bid after scoring "
        "it: the scores are kept but no longer counted."
    )
    withdrawn_reason: str | None
