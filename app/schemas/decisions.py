"""Decisions on bids (SPEC 3.1): what the chair sends, and each decision as it was recorded, with
the bid version, appraisal snapshot and ranking entry it was decided on."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field

from app.schemas.common import ReadSchema, Schema, Statement
from app.schemas.ranking import WITHHELD, Cell, FundingLineOut, StabilityOut
from bpv.lifecycle import BidStatus
from bpv.scoring import Combination

if TYPE_CHECKING:
    from app.repositories.decisions import DecisionRecord

MAX_DECISIONS = 1000
MAX_CONDITIONS = 50


class Outcome(StrEnum):
    APPROVED = BidStatus.APPROVED.value
    APPROVED_WITH_CONDITIONS = BidStatus.APPROVED_WITH_CONDITIONS.value
    REJECTED = BidStatus.REJECTED.value


class DecisionIn(Schema):
    bid_id: uuid.UUID = Field(description="A bid under assessment in the round, undecided.")
    outcome: Outcome
    rationale: Statement
    conditions: list[Statement] | None = Field(
        default=None,
        max_length=MAX_CONDITIONS,
        description="Required for approved_with_conditions, and only there.",
    )
    portfolio_id: uuid.UUID | None = Field(
        default=None,
        description="The portfolio run of this round the decision came from "
        "(`POST /v1/rounds/{id}/portfolio`).",
    )


class DecisionsCreate(Schema):
    decisions: list[DecisionIn] = Field(
        min_length=1,
        max_length=MAX_DECISIONS,
        description="Recorded all together or not at all.",
    )


class AppraisalFiguresOut(ReadSchema):
    """The snapshot's figures: the appraisal the decision was made on."""

    pv_costs: float | None
    pv_benefits: float | None
    npsv: float | None
    bcr: float | None
    cash_releasing_roi: float | None
    requested_funding: float
    quality_score: float
    method_version: str
    seed: int | None


class DecisionRankingOut(ReadSchema):
    """The bid's ranking entry when it was decided, with what that ranking was computed under,
    so it can be computed again; `rank` is null (with the reason) for a bid it left unranked."""

    rank: int | None
    reason: str | None = None
    weighted_score: float | None = None
    value_score: float | None = None
    cumulative_funding: float | None = Field(default=None, description=WITHHELD.strip())
    inside_line: bool | None = None
    p_above_line: float | None = None
    rank_range: tuple[int, int] | None = None
    bids_ranked: int
    envelope: float | None
    funding_line: FundingLineOut | None
    criteria_version: int
    settings_version: int
    combination: Combination
    stability: StabilityOut


class DecidedByOut(ReadSchema):
    account_id: uuid.UUID
    name: str


class DecisionRead(ReadSchema):
    id: uuid.UUID
    round_id: uuid.UUID
    bid_id: uuid.UUID
    title: str = Field(description="The decided version's title.")
    footprint_id: uuid.UUID
    outcome: Outcome
    rationale: str
    conditions: list[str]
    portfolio_id: uuid.UUID | None
    bid_version: int = Field(description="The bid version decided on.")
    snapshot_id: uuid.UUID = Field(description="That version's appraisal snapshot.")
    criteria_version: int
    settings_version: int
    decided_at: dt.datetime
    decided_by: DecidedByOut | None = Field(
        description="The chair's account; null for a programme office."
    )
    appraisal: AppraisalFiguresOut
    ranking: DecisionRankingOut

    @classmethod
    def of(cls, record: DecisionRecord, *, discloses: bool) -> DecisionRead:
        """The API's decision; `discloses` False withholds who decided and the ranking's totals."""
        decision, snapshot = record.decision, record.snapshot
        ranking = DecisionRankingOut.model_validate(decision.ranking)
        if not discloses:
            line = ranking.funding_line
            ranking = ranking.model_copy(
                update={
                    "cumulative_funding": None,
                    "funding_line": None
                    if line is None
                    else line.model_copy(update={"funded_total": None}),
                }
            )
        return cls(
            id=decision.id,
            round_id=decision.round_id,
            bid_id=decision.bid_id,
            title=record.title,
            footprint_id=record.footprint_id,
            outcome=decision.outcome,
            rationale=decision.rationale,
            conditions=decision.conditions,
            portfolio_id=decision.portfolio_id,
            bid_version=decision.bid_version,
            snapshot_id=decision.snapshot_id,
            criteria_version=decision.criteria_version,
            settings_version=decision.settings_version,
            decided_at=decision.created_at,
            decided_by=DecidedByOut(account_id=decision.account_id, name=record.account_name)
            if discloses
            else None,
            appraisal=AppraisalFiguresOut.model_validate(snapshot),
            ranking=ranking,
        )


class DecisionsRecorded(ReadSchema):
    decisions: list[DecisionRead]


DECISION_COLUMNS = (
    "bid_id",
    "title",
    "outcome",
    "rationale",
    "conditions",
    "bid_version",
    "bcr",
    "npsv",
    "pv_costs",
    "rank",
    "decided_at",
)


def decisions_table(
    decisions: list[DecisionRead],
) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Decisions as a table: one row each, the same values as their JSON (conditions joined
    by "; ", none an empty cell; the time in ISO 8601)."""
    rows: list[tuple[Cell, ...]] = []
    for decision in decisions:
        d = decision.model_dump(mode="json")  # each value exactly as the JSON gives it
        rows.append(
            (
                d["bid_id"],
                d["title"],
                d["outcome"],
                d["rationale"],
                "; ".join(d["conditions"]) or None,
                d["bid_version"],
                d["appraisal"]["bcr"],
                d["appraisal"]["npsv"],
                d["appraisal"]["pv_costs"],
                d["ranking"]["rank"],
                d["decided_at"],
            )
        )
    return DECISION_COLUMNS, rows
