"""The values benefits tracking takes and gives: settings, observations, tracked periods and
indicators, a bid's benefits, and calibration factors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

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
    """Calendar months, or calendar quarters (January, April, July and October: the financial
    year's quarters as well)."""

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
    unit x net additionality share x the period's share of a year.

    `expected`: one of the cadence's periods from the baseline to the last target (False: an
    extra period some observation named). `due`: ended by `today`. `observations`: how many
    observations (from different sources) the realised value is the mean of. `in_totals`:
    counted in the indicator's money totals (an extra period starting before the baseline, or
    overlapping an expected one or an earlier extra one, is not: nothing is counted twice).
    """

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
    expected: bool = True
    due: bool = False
    observations: int = 0
    in_totals: bool = True


@dataclass(frozen=True)
class Forecast:
    """The indicator's level forecast at the last target date, from the trend of the realised
    values, with a `level` interval (`low`, `high`) at `confidence`; `method` says how.
    `points`: how many realised levels the trend is fitted to."""

    date: dt.date
    value: float
    low: float | None
    high: float | None
    confidence: float
    method: str
    points: int = 0


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    rule: str
    """The rule that gave the verdict, in words, with the figures it used."""
    figures: dict[str, float | str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorTrack:
    """One hypothesis's indicator, tracked: the periods in date order, money to date, the
    forecast (None with fewer than the points it needs), and the verdict.

    `predicted_money`: over the due periods; `realised_money`: over the periods with data;
    `predicted_money_measured`: predicted over the periods with data (the like-for-like figure
    to set against `realised_money`, as calibration does). Predicted money is what the
    hypothesis claims, not confidence-weighted. `target` is the last trajectory point's value,
    on `target_date`; `missing_periods` counts the periods reported missing.
    """

    hypothesis_id: str
    indicator: str
    direction: Direction
    periods: tuple[PeriodResult, ...]
    predicted_money: float
    realised_money: float
    forecast: Forecast | None
    verdict: VerdictResult
    unit: str = ""
    baseline: float = 0.0
    target: float = 0.0
    target_date: dt.date | None = None
    predicted_money_measured: float = 0.0
    missing_periods: int = 0


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
    """A bid's benefits to date. `planned_spend` is over `spend_years`, the financial years in
    which some actual spend was reported; `periods_measured` counts the distinct periods in
    which any of its indicators has data."""

    tracks: tuple[IndicatorTrack, ...]
    predicted_money: float
    realised_money: float
    planned_spend: float
    actual_spend: float
    realised_roi: float | None
    """(realised money - actual spend) / actual spend to date; None without spend."""
    predicted_money_measured: float = 0.0
    periods_measured: int = 0
    spend_years: tuple[int, ...] = ()


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
