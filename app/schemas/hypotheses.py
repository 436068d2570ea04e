"""Success hypotheses as the API carries them."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from app.schemas.common import Fraction, IsoDate, Key, Number, Schema, Text
from app.schemas.distributions import Uncertainty
from app.schemas.logic_models import EdgeRefOut, EvidenceIn, IndicatorIn
from bpv.hypotheses import BenefitType


class EdgeRefIn(Schema):
    source: Key
    target: Key


class BaselineIn(Schema):
    value: Number = Field(ge=-1e15, le=1e15)
    date: IsoDate


class TrajectoryPointIn(Schema):
    date: IsoDate
    value: Number = Field(ge=-1e15, le=1e15)


def _drawn(what: str) -> str:
    return (
        f"A distribution of {what}, drawn by Monte Carlo; the point figures use the value "
        "given. Centre it on that value, or the two disagree."
    )


class MonetisationIn(Schema):
    value_per_unit: Number = Field(ge=-1e12, le=1e12)
    benefit_type: BenefitType
    value_per_unit_uncertainty: Uncertainty | None = Field(
        default=None, description=_drawn("the value per unit, in pounds (or QALYs) per unit")
    )


class AdditionalityIn(Schema):
    deadweight: Fraction = 0.0
    displacement: Fraction = 0.0
    attribution: Fraction = 0.0
    drop_off: Fraction = 0.0
    deadweight_uncertainty: Uncertainty | None = Field(
        default=None, description=_drawn("the deadweight (a triangular, PERT or uniform in [0, 1])")
    )
    displacement_uncertainty: Uncertainty | None = Field(
        default=None, description=_drawn("the displacement (within [0, 1])")
    )
    attribution_uncertainty: Uncertainty | None = Field(
        default=None, description=_drawn("the attribution (within [0, 1])")
    )


class HypothesisCreate(Schema):
    edge: EdgeRefIn | None = None
    path: list[Key] | None = Field(default=None, min_length=2, max_length=100)
    indicator: IndicatorIn
    baseline: BaselineIn
    trajectory: list[TrajectoryPointIn] = Field(min_length=1, max_length=600)
    rationale: Text
    evidence: EvidenceIn
    confidence: Fraction
    confidence_uncertainty: Uncertainty | None = Field(
        default=None,
        description="How far the confidence itself may vary (in confidence units, e.g. a "
        "triangular 0.5, 0.7, 0.8), sampled by Monte Carlo when the round weights benefits by "
        "confidence.",
    )
    monetisation: MonetisationIn | None = None
    additionality: AdditionalityIn | None = None


class HypothesisRead(Schema):
    id: uuid.UUID
    bid_id: uuid.UUID
    bid_version: int
    edge: EdgeRefOut | None
    path: list[str] | None
    indicator: IndicatorIn
    baseline: BaselineIn
    trajectory: list[TrajectoryPointIn]
    rationale: str
    evidence: EvidenceIn
    confidence: float
    confidence_uncertainty: Uncertainty | None
    monetisation: MonetisationIn | None
    additionality: AdditionalityIn | None
    created_at: dt.datetime


class HypothesisUpdate(Schema):
    """The fields of a hypothesis to change; the others stay as they are. Giving `edge` moves
    it off its path, and `path` off its edge."""

    edge: EdgeRefIn | None = None
    path: list[Key] | None = Field(default=None, min_length=2, max_length=100)
    indicator: IndicatorIn | None = None
    baseline: BaselineIn | None = None
    trajectory: list[TrajectoryPointIn] | None = Field(default=None, min_length=1, max_length=600)
    rationale: Text | None = None
    evidence: EvidenceIn | None = None
    confidence: Fraction | None = None
    confidence_uncertainty: Uncertainty | None = None
    monetisation: MonetisationIn | None = None
    additionality: AdditionalityIn | None = None
