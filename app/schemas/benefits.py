"""Benefits tracking as the API carries it: a funded bid's realised against predicted (SPEC 3.1
"benefits of a bid"), and the roll-ups of a footprint and of a round. Money in pounds,
unrounded; fractions as fractions."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, Field

from app.exports import Cell
from bpv.benefits import (
    Cadence,
    Forecast,
    IndicatorTrack,
    PeriodResult,
    Rag,
    SpendLine,
    Verdict,
)
from bpv.logic_model import Direction

if TYPE_CHECKING:
    from app.services.benefits import BidReport, Rollup

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: object) -> object:
    # A query's text: pydantic would read "0" as a Unix timestamp, the contract says ISO 8601.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be an ISO 8601 date, e.g. 2019-03-31")
    return value


AsOfDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]

# Bids off track listed in full in a roll-up; `off_track_total` counts them all.
MAX_OFF_TRACK_LISTED = 100


class PeriodOut(BaseModel):
    period_start: dt.date
    period_end: dt.date
    predicted: float = Field(description="The trajectory's level at the period's end.")
    realised: float | None = Field(description="None when no measurement came.")
    variance: float | None = Field(description="realised - predicted.")
    variance_pct: float | None = Field(description="variance / predicted, a fraction.")
    rag: Rag | None = Field(description="None when there is no measurement.")
    missing: bool = Field(
        description="The period ended more than the round's grace ago with no measurement "
        "(never reported as zero)."
    )
    predicted_money: float = Field(description="Pounds the prediction is worth in the period.")
    realised_money: float | None
    expected: bool = Field(
        description="One of the cadence's periods from the baseline to the last target "
        "(false: an extra period a measurement named)."
    )
    due: bool = Field(description="Ended by the report's date.")
    observations: int = Field(description="Sources whose mean the realised value is.")
    in_totals: bool = Field(
        description="Counted in the money totals (an extra period overlapping another, or "
        "before the baseline, is not)."
    )

    @classmethod
    def of(cls, period: PeriodResult) -> PeriodOut:
        # Built unvalidated: the domain's figures are already of these types, and a report
        # runs to thousands of periods.
        return cls.model_construct(
            period_start=period.period_start,
            period_end=period.period_end,
            predicted=period.predicted,
            realised=period.realised,
            variance=period.variance,
            variance_pct=period.variance_pct,
            rag=period.rag,
            missing=period.missing,
            predicted_money=period.predicted_money,
            realised_money=period.realised_money,
            expected=period.expected,
            due=period.due,
            observations=period.observations,
            in_totals=period.in_totals,
        )


class ForecastOut(BaseModel):
    date: dt.date = Field(description="The last target date, at which the forecast stands.")
    value: float
    low: float | None
    high: float | None
    confidence: float = Field(description="Of the interval (low, high), a fraction.")
    method: str
    points: int = Field(description="Realised levels the trend is fitted to.")

    @classmethod
    def of(cls, forecast: Forecast) -> ForecastOut:
        return cls(
            date=forecast.date,
            value=forecast.value,
            low=forecast.low,
            high=forecast.high,
            confidence=forecast.confidence,
            method=forecast.method,
            points=forecast.points,
        )


class IndicatorOut(BaseModel):
    hypothesis_id: str
    indicator: str
    unit: str
    direction: Direction
    baseline: float
    target: float = Field(description="The last target of the trajectory.")
    target_date: dt.date | None
    periods: list[PeriodOut]
    missing_periods: int
    predicted_money: float = Field(description="Pounds predicted over the periods due.")
    realised_money: float = Field(description="Pounds realised over the periods with data.")
    predicted_money_measured: float = Field(
        description="Pounds predicted over the periods with data (like for like with "
        "realised_money)."
    )
    forecast: ForecastOut | None = Field(
        description="At completion, from the trend of realised values; None with too few."
    )
    verdict: Verdict

    @classmethod
    def of(cls, track: IndicatorTrack) -> IndicatorOut:
        return cls(
            hypothesis_id=track.hypothesis_id,
            indicator=track.indicator,
            unit=track.unit,
            direction=track.direction,
            baseline=track.baseline,
            target=track.target,
            target_date=track.target_date,
            periods=[PeriodOut.of(p) for p in track.periods],
            missing_periods=track.missing_periods,
            predicted_money=track.predicted_money,
            realised_money=track.realised_money,
            predicted_money_measured=track.predicted_money_measured,
            forecast=None if track.forecast is None else ForecastOut.of(track.forecast),
            verdict=track.verdict.verdict,
        )


class HypothesisVerdictOut(BaseModel):
    id: str = Field(description="The hypothesis's id (the same across the bid's versions).")
    indicator: str
    verdict: Verdict
    reason: str = Field(description="The rule that gave the verdict, with its figures.")
    rule: str
    figures: dict[str, float | str | None]

    @classmethod
    def of(cls, track: IndicatorTrack) -> HypothesisVerdictOut:
        return cls(
            id=track.hypothesis_id,
            indicator=track.indicator,
            verdict=track.verdict.verdict,
            reason=track.verdict.rule,
            rule=track.verdict.rule,
            figures=dict(track.verdict.figures),
        )


class SpendLineOut(BaseModel):
    cost_line_id: str
    year: int
    planned: float
    actual: float | None = Field(description="None when none has been reported.")

    @classmethod
    def of(cls, line: SpendLine) -> SpendLineOut:
        return cls(
            cost_line_id=line.cost_line_id, year=line.year, planned=line.planned, actual=line.actual
        )


class SpendOut(BaseModel):
    planned: float = Field(
        description="The decided version's cost lines as given, over the years in which any "
        "actual spend was reported (`years`)."
    )
    actual: float = Field(description="Actual spend reported to date.")
    years: list[int]
    lines: list[SpendLineOut] = Field(description="Every line's plan and actual by year.")


class TrackingOut(BaseModel):
    """The round's tracking settings the report used."""

    settings_version: int
    amber: float
    red: float
    grace_days: int
    cadence: Cadence
    value_per_qaly: float


class BidBenefitsOut(BaseModel):
    """A funded bid's benefits as of a date (SPEC 3.1, 4.9)."""

    bid_id: uuid.UUID
    bid_version: int = Field(description="The version decided on; its hypotheses are tracked.")
    round_id: uuid.UUID
    footprint_id: uuid.UUID
    status: str
    as_of: dt.date
    indicators: list[IndicatorOut]
    hypotheses: list[HypothesisVerdictOut]
    predicted_benefits: float = Field(
        description="Pounds predicted over the periods due, all indicators (undiscounted, "
        "base-year prices)."
    )
    realised_benefits: float = Field(description="Pounds realised to date, all indicators.")
    predicted_benefits_measured: float = Field(
        description="Pounds predicted over the periods with data (like for like)."
    )
    periods_measured: int = Field(description="Distinct periods in which any indicator has data.")
    realised_roi: float | None = Field(
        description="(realised benefits - actual spend) / actual spend to date; None without spend."
    )
    spend: SpendOut
    tracking: TrackingOut

    @classmethod
    def of(cls, report: BidReport) -> BidBenefitsOut:
        benefits = report.benefits
        settings = report.settings.tracking()
        return cls(
            bid_id=report.bid.id,
            bid_version=report.version.number,
            round_id=report.bid.round_id,
            footprint_id=report.bid.footprint_id,
            status=report.bid.status,
            as_of=report.as_of,
            indicators=[IndicatorOut.of(t) for t in report.tracks],
            hypotheses=[HypothesisVerdictOut.of(t) for t in report.tracks],
            predicted_benefits=benefits.predicted_money,
            realised_benefits=benefits.realised_money,
            predicted_benefits_measured=benefits.predicted_money_measured,
            periods_measured=benefits.periods_measured,
            realised_roi=benefits.realised_roi,
            spend=SpendOut(
                planned=benefits.planned_spend,
                actual=benefits.actual_spend,
                years=list(benefits.spend_years),
                lines=[SpendLineOut.of(line) for line in report.spend],
            ),
            tracking=TrackingOut(
                settings_version=report.settings_version,
                amber=settings.amber,
                red=settings.red,
                grace_days=settings.grace_days,
                cadence=settings.cadence,
                value_per_qaly=settings.value_per_qaly,
            ),
        )


BENEFITS_COLUMNS = (
    "bid_id",
    "hypothesis_id",
    "indicator",
    "unit",
    "direction",
    "period_start",
    "period_end",
    "predicted",
    "realised",
    "variance",
    "variance_pct",
    "rag",
    "missing",
    "predicted_money",
    "realised_money",
    "verdict",
)


def benefits_table(report: BidBenefitsOut) -> tuple[Sequence[str], list[list[Cell]]]:
    """One row per indicator period."""
    rows: list[list[Cell]] = [
        [
            str(report.bid_id),
            indicator.hypothesis_id,
            indicator.indicator,
            indicator.unit,
            indicator.direction.value,
            period.period_start.isoformat(),
            period.period_end.isoformat(),
            period.predicted,
            period.realised,
            period.variance,
            period.variance_pct,
            None if period.rag is None else period.rag.value,
            period.missing,
            period.predicted_money,
            period.realised_money,
            indicator.verdict.value,
        ]
        for indicator in report.indicators
        for period in indicator.periods
    ]
    return BENEFITS_COLUMNS, rows


class OffTrackHypothesisOut(BaseModel):
    id: str
    indicator: str
    verdict: Verdict


class BidSummaryOut(BaseModel):
    bid_id: uuid.UUID
    title: str
    status: str
    footprint_id: uuid.UUID
    round_id: uuid.UUID
    programme_area: str
    predicted_benefits: float
    realised_benefits: float
    planned_spend: float
    actual_spend: float
    realised_roi: float | None
    verdicts: dict[Verdict, int] = Field(description="Its hypotheses, counted by verdict.")
    off_track: list[OffTrackHypothesisOut] = Field(
        description="Its hypotheses off track or refuted."
    )

    @classmethod
    def of(cls, report: BidReport) -> BidSummaryOut:
        counts = {verdict: 0 for verdict in Verdict}
        for t in report.tracks:
            counts[t.verdict.verdict] += 1
        benefits = report.benefits
        return cls(
            bid_id=report.bid.id,
            title=report.version.title,
            status=report.bid.status,
            footprint_id=report.bid.footprint_id,
            round_id=report.bid.round_id,
            programme_area=report.version.programme_area,
            predicted_benefits=benefits.predicted_money,
            realised_benefits=benefits.realised_money,
            planned_spend=benefits.planned_spend,
            actual_spend=benefits.actual_spend,
            realised_roi=benefits.realised_roi,
            verdicts=counts,
            off_track=[
                OffTrackHypothesisOut(
                    id=t.hypothesis_id, indicator=t.indicator, verdict=t.verdict.verdict
                )
                for t in report.off_track
            ],
        )


class BenefitsRollupOut(BaseModel):
    """Funded bids rolled up: totals over all of them, the bids paged."""

    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    as_of: dt.date
    bids: int = Field(description="Funded bids rolled up (that the caller sees).")
    predicted_benefits: float
    realised_benefits: float
    planned_spend: float
    actual_spend: float
    realised_roi: float | None = Field(
        description="Pooled: (realised benefits - actual spend) / actual spend, all bids."
    )
    verdicts: dict[Verdict, int] = Field(description="Hypotheses of all bids, by verdict.")
    off_track_total: int = Field(description="Bids with a hypothesis off track or refuted.")
    off_track: list[BidSummaryOut] = Field(
        description=f"The bids off track, oldest first (at most {MAX_OFF_TRACK_LISTED})."
    )
    items: list[BidSummaryOut] = Field(description="A page of the bids, oldest first.")
    total: int
    limit: int
    offset: int

    @classmethod
    def of(
        cls,
        rollup: Rollup,
        *,
        limit: int,
        offset: int,
        footprint_id: uuid.UUID | None = None,
        round_id: uuid.UUID | None = None,
    ) -> BenefitsRollupOut:
        off_track = rollup.off_track
        return cls(
            footprint_id=footprint_id,
            round_id=round_id,
            as_of=rollup.as_of,
            bids=len(rollup.reports),
            predicted_benefits=rollup.predicted_benefits,
            realised_benefits=rollup.realised_benefits,
            planned_spend=rollup.planned_spend,
            actual_spend=rollup.actual_spend,
            realised_roi=rollup.realised_roi,
            verdicts=rollup.verdicts,
            off_track_total=len(off_track),
            off_track=[BidSummaryOut.of(r) for r in off_track[:MAX_OFF_TRACK_LISTED]],
            items=[BidSummaryOut.of(r) for r in rollup.reports[offset : offset + limit]],
            total=len(rollup.reports),
            limit=limit,
            offset=offset,
        )
