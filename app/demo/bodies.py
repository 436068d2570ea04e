"""The demo files read and checked: request bodies, with the codes that stand for ids.

Ids exist only once rows do, so a file names footprints and organisations by code, and
`DemoBid.create_body` fills in the ids before the body is sent (by the loader or by a test).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from pydantic import Field

from app.schemas.common import Code, IsoDate, Schema
from app.schemas.hypotheses import HypothesisCreate
from app.schemas.logic_models import LogicModelIn
from app.schemas.places import FootprintCreate
from app.schemas.rounds import RoundCreate
from bpv.lifecycle import RoundStatus

JsonObject = dict[str, Any]


class DemoOrganisation(Schema):
    footprints: list[Code] = Field(min_length=1, description="Codes of its footprints.")
    body: JsonObject = Field(description="POST /v1/organisations body without footprint_ids.")

    def create_body(self, footprint_ids: Mapping[str, uuid.UUID]) -> JsonObject:
        return {**self.body, "footprint_ids": [str(footprint_ids[c]) for c in self.footprints]}


class DemoRound(Schema):
    body: RoundCreate
    status: RoundStatus = Field(description="Where the demo moves the round once created.")


class DemoPlaces(Schema):
    footprints: list[FootprintCreate]
    organisations: list[DemoOrganisation]
    rounds: list[DemoRound] = Field(
        min_length=1, description="The first is taken through the panel's whole job."
    )


class DemoConflict(Schema):
    assessor: int = Field(ge=0, description="Index in the panel's assessors.")
    footprint: Code
    reason: str


class DemoAssessment(Schema):
    assessor: int = Field(ge=0)
    bid: int = Field(ge=1, description="The bid's number: its file name's prefix.")
    scores: dict[str, tuple[float, str]] = Field(description="Criterion → (score, comment).")


class DemoModeration(Schema):
    bid: int = Field(ge=1)
    weighted_score: float
    reason: str


class DemoDecision(Schema):
    bid: int = Field(ge=1)
    outcome: str
    rationale: str
    conditions: list[str] = Field(default_factory=list)


class DemoPanel(Schema):
    """The first round's panel and its work, in the order it happens."""

    assessors: list[str] = Field(min_length=1)
    chair: str
    conflicts: list[DemoConflict]
    assessments: list[DemoAssessment]
    moderations: list[DemoModeration]
    decisions: list[DemoDecision]


class DemoBid(Schema):
    footprint: Code
    lead_organisation: Code
    partners: list[Code] = Field(default_factory=list)
    round: int = Field(default=0, ge=0, description="Index of its round in the places file.")
    submit: bool = Field(description="Whether the demo submits the bid or leaves it a draft.")
    bid: JsonObject = Field(
        description="POST /v1/bids body without round_id, footprint_id, lead_organisation_id "
        "and partner_ids."
    )
    logic_model: LogicModelIn = Field(description="PUT /v1/bids/{id}/logic-model body.")
    hypotheses: list[HypothesisCreate] = Field(description="POST /v1/bids/{id}/hypotheses bodies.")

    @property
    def title(self) -> str:
        return str(self.bid["title"])

    def create_body(
        self,
        round_id: uuid.UUID,
        footprint_ids: Mapping[str, uuid.UUID],
        organisation_ids: Mapping[str, uuid.UUID],
    ) -> JsonObject:
        """The POST /v1/bids body, ids filled in from the round and the codes."""
        return {
            **self.bid,
            "round_id": str(round_id),
            "footprint_id": str(footprint_ids[self.footprint]),
            "lead_organisation_id": str(organisation_ids[self.lead_organisation]),
            "partner_ids": [str(organisation_ids[code]) for code in self.partners],
        }

    def logic_model_body(self) -> JsonObject:
        return self.logic_model.model_dump(mode="json", exclude_none=True)

    def hypothesis_bodies(self) -> list[JsonObject]:
        return [h.model_dump(mode="json", exclude_none=True) for h in self.hypotheses]


class DemoSpend(Schema):
    cost_line: int = Field(ge=0, description="Index in the bid's cost_lines.")
    year: int
    amount: float


class DemoBatch(Schema):
    """One funded bid's realised data, as its footprint's integration sends it."""

    bid: int = Field(ge=1, description="The bid's number: its file name's prefix.")
    story: str = Field(description="What the data show, for the reader.")
    source: str
    first_period: IsoDate = Field(description="The first day of the first month measured.")
    months: int = Field(ge=1, le=120)
    series: dict[str, list[float]] = Field(description="Indicator → one value a month.")
    spend: list[DemoSpend] = Field(default_factory=list)

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        """The calendar months measured: (first day, last day)."""
        out, year, month = [], self.first_period.year, self.first_period.month
        for _ in range(self.months):
            last = calendar.monthrange(year, month)[1]
            out.append((dt.date(year, month, 1), dt.date(year, month, last)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def body(self, bid_id: uuid.UUID, cost_line_ids: list[str]) -> JsonObject:
        """The POST /v1/measurements body."""
        periods = self.periods()
        return {
            "measurements": [
                {
                    "bid_id": str(bid_id),
                    "indicator": indicator,
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "value": value,
                    "source": self.source,
                }
                for indicator, values in self.series.items()
                for (start, end), value in zip(periods, values, strict=True)
            ],
            "spend": [
                {
                    "bid_id": str(bid_id),
                    "cost_line_id": cost_line_ids[line.cost_line],
                    "year": line.year,
                    "amount": line.amount,
                    "source": self.source,
                }
                for line in self.spend
            ],
        }


class DemoMeasurements(Schema):
    about: str
    batches: list[DemoBatch]


def demo_places() -> DemoPlaces:
    return DemoPlaces.model_validate_json(files("app.demo").joinpath("places.json").read_text())


def demo_panel() -> DemoPanel:
    return DemoPanel.model_validate_json(files("app.demo").joinpath("panel.json").read_text())


def demo_measurements() -> DemoMeasurements:
    text = files("app.demo").joinpath("measurements.json").read_text()
    return DemoMeasurements.model_validate_json(text)


def demo_bids() -> list[DemoBid]:
    """The demo bids in file-name order."""
    folder = files("app.demo").joinpath("bids")
    paths = sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)
    return [DemoBid.model_validate_json(path.read_text()) for path in paths]
