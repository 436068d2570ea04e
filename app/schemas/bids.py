"""Bids: their content, lifecycle status and versions."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import Field, field_validator

from app.schemas.appraisals.optimism_bias import OptimismBiasIn
from app.schemas.common import Name, ReadSchema, Schema, Text, YearAmount
from app.schemas.distributions import Uncertainty
from app.schemas.hypotheses import HypothesisRead
from app.schemas.logic_models import LogicModelIn
from bpv.appraisal import CostKind
from bpv.lifecycle import BidStatus
from bpv.logic_model import EvidenceGrade

# What one bid version may hold, so its appraisal and its history stay bounded (README "Limits").
MAX_COST_LINES = 100
MAX_COST_FLOWS = 10_000  # over all its cost lines: 100 lines of 100 years, or 20 of 500
MAX_HYPOTHESES = 100
MAX_CONTENT_BYTES = 1024 * 1024  # its cost lines, risks, funding and partners, as stored JSON
# Items in one page: each bid carries its content, each version its logic model and hypotheses.
MAX_BIDS_PAGE = 50  # fewer when their contents are large (app/repositories/bid_answers.py)
MAX_VERSIONS_PAGE = 2


class CostLineCreate(Schema):
    """A cost line as a programme office writes it; its id is the server's."""

    name: Name
    kind: CostKind
    flows: list[YearAmount] = Field(min_length=1, max_length=500)
    optimism_bias: OptimismBiasIn | None = Field(
        default=None,
        description="Uplift as the preview takes it: a fraction (0.24 = 24%, above 1 allowed), "
        "`{grade}` of the round's table, or `{upper_bound, risk_areas}` reduced by mitigation. "
        "Else the round's table by `confidence_grade`, else none.",
    )
    confidence_grade: EvidenceGrade | None = None
    uncertainty: Uncertainty | None = Field(
        default=None,
        description="How far the line's cost may vary, for Monte Carlo; else the round's "
        "cost_uncertainty.",
    )


class CostLine(CostLineCreate):
    """A cost line in a bid's `cost_lines`: one sent with the id of a line of the current
    version keeps that id; one without is new."""

    id: uuid.UUID | None = Field(
        default=None,
        description="Server-assigned, the same in every version of the bid (spend attaches to "
        "it). Send it back to keep the line's identity; omit it for a new line.",
    )


class CostLineRead(CostLine):
    id: uuid.UUID = Field(description="The line's id: the same in every version of the bid.")


class CostLineUpdate(Schema):
    """The fields of a cost line to change; the others stay as they are."""

    name: Name | None = None
    kind: CostKind | None = None
    flows: list[YearAmount] | None = Field(default=None, min_length=1, max_length=500)
    optimism_bias: OptimismBiasIn | None = None
    confidence_grade: EvidenceGrade | None = None
    uncertainty: Uncertainty | None = None


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Risk(Schema):
    description: Text
    likelihood: Level
    impact: Level
    mitigation: Text | None = None


class BidContent(Schema):
    """The editable part of a bid; every field optional so PATCH can send just one."""

    title: Name | None = None
    programme_area: Name | None = None
    lead_organisation_id: uuid.UUID | None = None
    partner_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    intervention: Text | None = None
    requested_funding: list[YearAmount] | None = Field(default=None, max_length=100)
    cost_lines: list[CostLine] | None = Field(
        default=None,
        max_length=MAX_COST_LINES,
        description=f"At most {MAX_COST_FLOWS:,} flows over all the lines; with the risks, "
        f"requested funding and partners, at most {MAX_CONTENT_BYTES:,} bytes of JSON.",
    )
    risks: list[Risk] | None = Field(default=None, max_length=200)

    @field_validator("cost_lines")
    @classmethod
    def _bounded_flows(cls, lines: list[CostLine] | None) -> list[CostLine] | None:
        flows = sum(len(line.flows) for line in lines or [])
        if flows > MAX_COST_FLOWS:
            raise ValueError(f"at most {MAX_COST_FLOWS:,} flows over all cost lines, got {flows:,}")
        return lines


class BidCreate(BidContent):
    round_id: uuid.UUID
    title: Name
    programme_area: Name
    footprint_id: uuid.UUID | None = Field(
        default=None, description="Defaults to a programme office's own footprint."
    )
    logic_model: LogicModelIn | None = None


class BidUpdate(BidContent):
    pass


class BidRead(ReadSchema):
    id: uuid.UUID
    round_id: uuid.UUID
    footprint_id: uuid.UUID
    status: BidStatus
    version: int = Field(description="Number of the bid's current version.")
    title: str
    programme_area: str
    lead_organisation_id: uuid.UUID | None
    partner_ids: list[uuid.UUID]
    intervention: str | None
    requested_funding: list[YearAmount]
    cost_lines: list[CostLineRead]
    risks: list[Risk]
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None


class BidVersionRead(BidRead):
    """A version as it was: its content, logic model and hypotheses."""

    logic_model: LogicModelIn
    hypotheses: list[HypothesisRead]
