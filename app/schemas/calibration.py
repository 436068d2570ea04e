"""Reference-class calibration as the API carries it: factors by reference class, and the
calibrated figures an appraisal reports beside its unadjusted ones."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from bpv.benefits import CalibrationFactor

if TYPE_CHECKING:
    from app.services.calibration import Calibrated, Calibration


class CalibrationFactorOut(BaseModel):
    dimension: str = Field(description="portfolio, programme_area or lead_organisation.")
    group: str = Field(description="The programme area, the lead organisation's id, or all.")
    group_name: str | None = Field(
        default=None, description="The lead organisation's name; None for other dimensions."
    )
    measure: str = Field(description="benefits: realised / predicted; spend: actual / planned.")
    ratio: float
    low: float
    high: float
    confidence: float = Field(description="Of the interval (low, high), a fraction.")
    bids: int = Field(description="Funded bids behind the factor.")
    method: str

    @classmethod
    def of(cls, factor: CalibrationFactor, group_name: str | None = None) -> CalibrationFactorOut:
        return cls(
            dimension=factor.dimension,
            group=factor.group,
            group_name=group_name,
            measure=factor.measure,
            ratio=factor.ratio,
            low=factor.low,
            high=factor.high,
            confidence=factor.confidence,
            bids=factor.bids,
            method=factor.method,
        )


class CalibrationOut(BaseModel):
    as_of: dt.date
    min_bids: int
    min_periods: int
    funded_bids: int = Field(description="Funded bids looked at (with or without data).")
    factors: list[CalibrationFactorOut]

    @classmethod
    def of(cls, calibration: Calibration) -> CalibrationOut:
        return cls(
            as_of=calibration.as_of,
            min_bids=calibration.min_bids,
            min_periods=calibration.min_periods,
            funded_bids=calibration.funded_bids,
            factors=[
                CalibrationFactorOut.of(f, calibration.group_names.get(f.group))
                for f in calibration.factors
            ],
        )


class CalibratedOut(BaseModel):
    """The appraisal's headline figures adjusted by reference-class factors (the round's
    settings apply calibration); reported beside the unadjusted figures, which rank the bid."""

    benefit_factor: float = Field(
        description="Multiplies PV benefits: the lead organisation's benefits factor, else the "
        "programme area's, else 1."
    )
    cost_factor: float = Field(description="Multiplies PV costs, chosen the same way (spend).")
    source: str = Field(description="Which factors were used, with their bids and intervals.")
    pv_benefits: float
    pv_costs: float
    npsv: float
    bcr: float | None

    @classmethod
    def of(cls, calibrated: Calibrated) -> CalibratedOut:
        chosen, measures = calibrated.adjustment, calibrated.measures
        return cls(
            benefit_factor=chosen.benefit_factor,
            cost_factor=chosen.cost_factor,
            source=chosen.source,
            pv_benefits=measures.pv_benefits,
            pv_costs=measures.pv_costs,
            npsv=measures.npsv,
            bcr=measures.bcr,
        )
