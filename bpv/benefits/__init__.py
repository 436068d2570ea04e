"""Benefits tracking (SPEC 4.9): realised against predicted per hypothesis indicator and period,
RAG, money, a forecast at completion, a verdict per hypothesis, and reference-class calibration.

This file is the contract between the domain and the web shell. Every name here is imported by
`app/`; the implementations live in the modules beside it: `tracking` (periods, predicted
levels, money), `verdicts` (the RAG and verdict rules), `forecast`, `calibration`.
"""

from bpv.benefits.calibration import (
    AdjustedMeasures,
    Adjustment,
    adjusted_measures,
    adjustment,
    bid_outturn,
    calibrate,
)
from bpv.benefits.model import (
    BidBenefits,
    BidOutturn,
    Cadence,
    CalibrationFactor,
    Forecast,
    IndicatorTrack,
    Observation,
    PeriodResult,
    Rag,
    SpendLine,
    TrackingSettings,
    Verdict,
    VerdictResult,
)
from bpv.benefits.tracking import bid_benefits, track
from bpv.benefits.verdicts import achieved_share, rag

__all__ = [
    "AdjustedMeasures",
    "Adjustment",
    "BidBenefits",
    "BidOutturn",
    "Cadence",
    "CalibrationFactor",
    "Forecast",
    "IndicatorTrack",
    "Observation",
    "PeriodResult",
    "Rag",
    "SpendLine",
    "TrackingSettings",
    "Verdict",
    "VerdictResult",
    "achieved_share",
    "adjusted_measures",
    "adjustment",
    "bid_benefits",
    "bid_outturn",
    "calibrate",
    "rag",
    "track",
]
