"""Benefits tracking (SPEC 4.9): realised against predicted per hypothesis indicator and period,
RAG, money, a forecast at completion, a verdict per hypothesis, and reference-class calibration.

This file is the contract between the domain and the web shell. Every name here is imported by
`app/`; the implementations live in the modules beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import Direction


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Verdict(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    NO_DATA = "no_data"


class Cadence(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True)
class TrackingSettings:
    """A round's benefits-tracking settings. `amber` and `red`: a shortfall against the
    predicted improvement to date, as a fraction of it, beyond which a period is amber / red.
    `grace_days`: how long after a period ends its measurement may arrive before it is missing.
    `value_per_qaly`: pounds per QALY, for QALY hypotheses' money."""

    amber: float = 0.10
    red: float = 0.25
    grace_days: int = 30
    cadence: Cadence = Cadence.MONTH
    value_per_qaly: float = 70_000.0


@dataclass(frozen=True)
class Observation:
    """One current (not superseded) realised value of an indicator over a period."""

    period_start: dt.date
    period_end: dt.date
    value: float


@dataclass(frozen=True)
class PeriodResult:
    """`predicted` is the trajectory's level at the period's end; `realised` None (and `rag`
    None) when no measurement came; `missing` only when the period ended more than the grace
    before `today`. Money is in pounds: the period's improvement over the baseline x value per
    unit x net additionality share x the period's share of a year."""

    period_start: dt.date
    period_end: dt.date
    predicted: float
    realised: float | None
    variance: float | None
    variance_pct: float | None
    rag: Rag | None
    missing: bool
    predicted_money: float
    realised_money: float | None


@dataclass(frozen=True)
class Forecast:
    """The indicator's level forecast at the last target date, from the trend of the realised
    values, with a `level` interval (`low`, `high`) at `confidence`; `method` says how."""

    date: dt.date
    value: float
    low: float | None
    high: float | None
    confidence: float
    method: str


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    rule: str
    """The rule that gave the verdict, in words, with the figures it used."""
    figures: dict[str, float | str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorTrack:
    """One hypothesis's indicator, tracked: the periods in date order, money to date, the
    forecast (None with fewer than the points it needs), and the verdict."""

    hypothesis_id: str
    indicator: str
    direction: Direction
    periods: tuple[PeriodResult, ...]
    predicted_money: float
    realised_money: float
    forecast: Forecast | None
    verdict: VerdictResult


def track(
    hypothesis_id: str,
    hypothesis: SuccessHypothesis,
    observations: Sequence[Observation],
    settings: TrackingSettings,
    today: dt.date,
) -> IndicatorTrack:
    """Realised against predicted for one hypothesis (see `bpv.benefits.tracking`)."""
    from bpv.benefits.tracking import track as _track

    return _track(hypothesis_id, hypothesis, observations, settings, today)


@dataclass(frozen=True)
class SpendLine:
    """Planned and actual spend on one cost line in one financial year (actual None: none
    reported)."""

    cost_line_id: str
    year: int
    planned: float
    actual: float | None


@dataclass(frozen=True)
class BidBenefits:
    tracks: tuple[IndicatorTrack, ...]
    predicted_money: float
    realised_money: float
    planned_spend: float
    actual_spend: float
    realised_roi: float | None
    """(realised money - actual spend) / actual spend to date; None without spend."""


def bid_benefits(tracks: Sequence[IndicatorTrack], spend: Sequence[SpendLine]) -> BidBenefits:
    """A bid's benefits to date from its tracked indicators and its spend."""
    from bpv.benefits.tracking import bid_benefits as _bid_benefits

    return _bid_benefits(tracks, spend)


@dataclass(frozen=True)
class BidOutturn:
    """One funded bid's predicted and realised benefits over the same periods, and planned and
    actual spend over the same years, for calibration; `groups` names its reference classes
    (e.g. {"programme_area": "Urgent care", "lead_organisation": "<id>"})."""

    bid_id: str
    groups: dict[str, str]
    predicted_money: float
    realised_money: float
    planned_spend: float
    actual_spend: float
    periods_measured: int


@dataclass(frozen=True)
class CalibrationFactor:
    """In one reference class: the ratio of realised to predicted benefits (or of actual to
    planned spend), pooled over `bids` bids, with an interval at `confidence`."""

    dimension: str
    group: str
    measure: str  # "benefits" | "spend"
    ratio: float
    low: float
    high: float
    confidence: float
    bids: int
    method: str


def calibrate(
    outturns: Sequence[BidOutturn], *, min_bids: int = 3, min_periods: int = 6
) -> tuple[CalibrationFactor, ...]:
    """Reference-class factors for every dimension and group with at least `min_bids` bids of
    at least `min_periods` measured periods (see `bpv.benefits.calibration`)."""
    from bpv.benefits.calibration import calibrate as _calibrate

    return _calibrate(outturns, min_bids=min_bids, min_periods=min_periods)


__all__ = [
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
    "bid_benefits",
    "calibrate",
    "track",
]
