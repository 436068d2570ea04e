"""Funding rounds: programme areas, lifecycle, envelope, criteria framework, settings, timeline."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Self

from pydantic import Field, Strict, StringConstraints, model_validator

from app.schemas.appraisals import RoundSettings
from app.schemas.common import (
    ONLY_MATCHING_KEYS,
    Fraction,
    IsoDate,
    Key,
    Money,
    Name,
    ReadSchema,
    Schema,
    cross_field_rule,
)
from bpv.lifecycle import RoundStatus
from bpv.scoring import ComputedMeasure, CriterionSource

ProgrammeAreas = list[Name]
ScalePoint = Annotated[float, Strict(), Field(ge=-1e6, le=1e6)]
# The years a `FinancialYear` takes (1900-3000), written as a JSON object's key.
YEAR_KEY = r"^(19[0-9]{2}|2[0-9]{3}|3000)$"
YearKey = Annotated[
    str,
    StringConstraints(pattern=YEAR_KEY),
    Field(description='A financial year named by its starting year, e.g. "2017".'),
]


class ScaleIn(Schema):
    min: ScalePoint
    max: ScalePoint


class CriterionIn(Schema):
    key: Key = Field(description="What assessors' scores name as `criterion`.")
    name: Name
    weight: Fraction = Field(description="The weights of a round's criteria sum to 1.")
    scale: ScaleIn
    source: CriterionSource = CriterionSource.ASSESSOR
    measure: ComputedMeasure | None = Field(
        default=None,
        description="What a computed criterion is computed from; when omitted, a key naming "
        "a measure (e.g. `bcr_band`) stands for it.",
    )


Criteria = Annotated[list[CriterionIn], Field(min_length=1, max_length=50)]


def _criterion(
    key: str, name: str, weight: float, source: CriterionSource = CriterionSource.COMPUTED
) -> CriterionIn:
    return CriterionIn(
        key=key, name=name, weight=weight, scale=ScaleIn(min=0, max=5), source=source
    )


def default_criteria() -> list[CriterionIn]:
    """The framework a round uses until its own criteria are set."""
    return [
        _criterion("strategic_fit", "Strategic fit and need", 0.25, CriterionSource.ASSESSOR),
        _criterion("deliverability", "Deliverability", 0.25, CriterionSource.ASSESSOR),
        _criterion("logic_model_quality", "Logic-model quality", 0.2),
        _criterion("evidence_strength", "Strength of evidence", 0.15),
        _criterion("confidence", "Confidence in the hypotheses", 0.15),
    ]


CRITERIA_DESCRIPTION = (
    "The criteria framework (quality); weights sum to 1. Default, every criterion on a 0-5 "
    "scale: strategic_fit 0.25 and deliverability 0.25 (assessors), logic_model_quality 0.2, "
    "evidence_strength 0.15 and confidence 0.15 (computed); return enters the value score "
    "(settings.value), not the criteria. A computed `bcr_band` criterion scores return within "
    "quality; then the value score may not add return again. Setting criteria that differ "
    "from the current ones bumps `criteria_version`; they are frozen once the round opens."
)


class Envelope(Schema):
    total: Money | None = Field(default=None, description="Pounds over the whole round.")
    by_year: dict[YearKey, Money] = Field(
        default_factory=dict,
        max_length=100,
        description="Pounds per financial year.",
        json_schema_extra=ONLY_MATCHING_KEYS,
    )


class Timeline(Schema):
    opens: IsoDate | None = None
    closes: IsoDate | None = None
    decisions: IsoDate | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        dates = [d for d in (self.opens, self.closes, self.decisions) if d is not None]
        if dates != sorted(dates):
            raise cross_field_rule("dates must run opens ≤ closes ≤ decisions")
        return self


class RoundConfiguration(Schema):
    envelope: Envelope | None = Field(
        default=None, description="The funding envelope; none (no limit) by default."
    )
    criteria: Criteria | None = Field(default=None, description=CRITERIA_DESCRIPTION)
    settings: RoundSettings | None = Field(
        default=None,
        description="Appraisal settings; replaced as a whole, omitted fields taking their "
        "defaults.",
    )
    timeline: Timeline | None = None


class RoundCreate(RoundConfiguration):
    name: Name
    programme_areas: ProgrammeAreas = Field(min_length=1, max_length=50)


class RoundUpdate(RoundConfiguration):
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
    envelope: Envelope | None
    criteria: list[CriterionIn]
    criteria_version: int = Field(
        description="The framework's version: 1 when the round is created, bumped whenever "
        "its criteria change."
    )
    settings: RoundSettings
    settings_version: int = Field(
        description="The settings' version: 1 when the round is created, bumped whenever they "
        "change (opening a round with no base year sets it, a new version)."
    )
    timeline: Timeline | None
    opened_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
