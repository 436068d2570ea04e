"""Realised against predicted for one hypothesis, and a bid's benefits to date.

Periods: the cadence's calendar periods from the first one starting on or after the baseline
date through the one containing the last target date are expected. An observation whose period
is an expected one fills it; any other observation makes an extra period of its own. Several
observations of one period (from different sources) count as their mean. All periods are listed
in date order. An expected period with no observation is missing once its end + grace_days is
before today; until then it is neither missing nor given a RAG. Missing is never read as zero.

Predicted level: the trajectory interpolated linearly from the baseline between its dated
targets (`bpv.appraisal.trajectory_levels`, as the appraisal reads it), read at the period's
end, held at the last target after it. variance = realised - predicted; variance_pct = variance
/ |predicted| (None when predicted is 0). RAG and verdict: `bpv.benefits.verdicts`.

Money, in pounds at base-year prices, undiscounted, as the appraisal monetises a hypothesis:
improvement over the baseline (direction-aware, negative when the indicator moved the wrong
way) x value per unit (x the round's value per QALY for a QALY hypothesis) x net additionality
share (1 - deadweight)(1 - displacement)(1 - attribution) x days in the period / 365.25 (the
indicator is read as an annual rate). Predicted money comes from the predicted level, realised
from the realised one. Predicted money is not confidence-weighted: it is what the hypothesis
claims, not the appraisal's expected value. Drop-off is not applied: the tracked horizon ends
with the last target. A hypothesis without monetisation has no money (0).
Totals: predicted over the due periods (ended by today), realised over the periods with data.
An extra period that starts before the baseline date, or overlaps an expected period or an
earlier extra one, is shown but left out of the totals, so no day is counted twice and nothing
before the baseline counts as a benefit.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from bpv.appraisal.additionality import additionality_factor
from bpv.appraisal.benefits import require_trajectory, trajectory_levels
from bpv.appraisal.validation import require_finite, require_int, require_non_negative
from bpv.benefits.forecast import linear_forecast
from bpv.benefits.model import (
    BidBenefits,
    IndicatorTrack,
    Observation,
    PeriodResult,
    SpendLine,
    TrackingSettings,
)
from bpv.benefits.periods import Period, days_in, expected_periods, period_containing
from bpv.benefits.verdicts import judge, rag, sign
from bpv.errors import InvalidInput
from bpv.hypotheses import Additionality, BenefitType, SuccessHypothesis

DAYS_A_YEAR = 365.25


def check_settings(settings: TrackingSettings, field: str = "settings") -> None:
    amber = require_non_negative(settings.amber, f"{field}.amber")
    red = require_non_negative(settings.red, f"{field}.red")
    if red < amber:
        raise InvalidInput(f"{field}.red must not be below amber", f"{field}.red")
    if require_int(settings.grace_days, f"{field}.grace_days") < 0:
        raise InvalidInput(f"{field}.grace_days must not be negative", f"{field}.grace_days")
    require_non_negative(settings.value_per_qaly, f"{field}.value_per_qaly")


def money_per_unit_year(hypothesis: SuccessHypothesis, settings: TrackingSettings) -> float:
    """Net pounds a year per unit of improvement: value per unit (x value per QALY for a QALY
    hypothesis) x net additionality share; 0 without monetisation."""
    monetisation = hypothesis.monetisation
    if monetisation is None:
        return 0.0
    value = require_finite(monetisation.value_per_unit, "hypothesis.monetisation.value_per_unit")
    if monetisation.benefit_type is BenefitType.QALY:
        value *= settings.value_per_qaly
    additionality = hypothesis.additionality or Additionality()
    return value * additionality_factor(
        additionality.deadweight,
        additionality.displacement,
        additionality.attribution,
        "hypothesis.additionality",
    )


def readings(observations: Sequence[Observation]) -> dict[Period, tuple[float, int]]:
    """The mean realised value and the number of observations of each period named."""
    values: dict[Period, list[float]] = defaultdict(list)
    for index, observation in enumerate(observations):
        at = f"observations[{index}]"
        if observation.period_end < observation.period_start:
            raise InvalidInput("period_end is before period_start", f"{at}.period_end")
        value = require_finite(observation.value, f"{at}.value")
        values[(observation.period_start, observation.period_end)].append(value)
    return {period: (sum(vs) / len(vs), len(vs)) for period, vs in values.items()}


def track(
    hypothesis_id: str,
    hypothesis: SuccessHypothesis,
    observations: Sequence[Observation],
    settings: TrackingSettings,
    today: dt.date,
) -> IndicatorTrack:
    """Realised against predicted for one hypothesis (module docstring)."""
    check_settings(settings)
    baseline = require_trajectory(hypothesis)
    direction = hypothesis.indicator.direction
    improves = sign(direction)
    last = hypothesis.trajectory[-1]
    per_unit_year = money_per_unit_year(hypothesis, settings)
    realised_by_period = readings(observations)
    grace = dt.timedelta(days=settings.grace_days)

    expected = expected_periods(hypothesis.baseline.date, last.date, settings.cadence)
    expected_set = set(expected)
    spans = sorted(
        [(period, True) for period in expected]
        + [(period, False) for period in realised_by_period if period not in expected_set]
    )
    # An extra period counts unless it overlaps an expected period or an extra counted before
    # it. Expected periods are consecutive and sorted; extras come in order of their start, so
    # an earlier extra overlaps this one exactly when the latest end among them reaches it.
    expected_starts = [start for start, _ in expected]
    latest_extra_end: dt.date | None = None
    levels = trajectory_levels(hypothesis, [period[1] for period, _ in spans])

    periods = []
    for (period, is_expected), level in zip(spans, levels, strict=True):
        start, end = period
        in_totals = is_expected or (
            start >= hypothesis.baseline.date
            and not _overlaps_expected(period, expected, expected_starts)
            and (latest_extra_end is None or latest_extra_end < start)
        )
        if in_totals and not is_expected:
            latest_extra_end = end if latest_extra_end is None else max(latest_extra_end, end)
        predicted = float(level)
        years = days_in(period) / DAYS_A_YEAR
        predicted_money = improves * (predicted - baseline) * per_unit_year * years
        reading = realised_by_period.get(period)
        if reading is None:
            periods.append(
                PeriodResult(
                    start,
                    end,
                    predicted,
                    None,
                    None,
                    None,
                    None,
                    missing=is_expected and end + grace < today,
                    predicted_money=predicted_money,
                    realised_money=None,
                    expected=is_expected,
                    due=end <= today,
                    observations=0,
                    in_totals=in_totals,
                )
            )
            continue
        realised, count = reading
        variance = realised - predicted
        periods.append(
            PeriodResult(
                start,
                end,
                predicted,
                realised,
                variance,
                variance / abs(predicted) if predicted != 0.0 else None,
                rag(realised, predicted, baseline, direction, settings),
                missing=False,
                predicted_money=predicted_money,
                realised_money=improves * (realised - baseline) * per_unit_year * years,
                expected=is_expected,
                due=end <= today,
                observations=count,
                in_totals=in_totals,
            )
        )

    totalled = [p for p in periods if p.in_totals]
    measured = [p for p in totalled if p.realised_money is not None]
    with_data = sorted(
        (p for p in periods if p.realised is not None), key=lambda p: (p.period_end, p.period_start)
    )
    forecast = linear_forecast(
        [(p.period_end, p.realised) for p in with_data if p.realised is not None], last.date
    )
    verdict = judge(
        periods,
        forecast,
        baseline=baseline,
        target=last.value,
        target_date=last.date,
        completion=period_containing(last.date, settings.cadence)[1],
        direction=direction,
        settings=settings,
        today=today,
    )
    return IndicatorTrack(
        hypothesis_id=hypothesis_id,
        indicator=hypothesis.indicator.name,
        direction=direction,
        periods=tuple(periods),
        predicted_money=sum(p.predicted_money for p in totalled if p.due),
        realised_money=sum(p.realised_money or 0.0 for p in measured),
        forecast=forecast,
        verdict=verdict,
        unit=hypothesis.indicator.unit,
        baseline=baseline,
        target=last.value,
        target_date=last.date,
        predicted_money_measured=sum(p.predicted_money for p in measured),
        missing_periods=sum(p.missing for p in periods),
    )


def bid_benefits(tracks: Sequence[IndicatorTrack], spend: Sequence[SpendLine]) -> BidBenefits:
    """A bid's benefits to date: the tracks' money summed; actual spend wherever reported and
    planned spend over the same financial years (every cost line's plan in a year in which any
    actual was reported); realised ROI = (realised money - actual spend) / actual spend, None
    while no positive actual spend is reported. Money is undiscounted, at base-year prices."""
    for index, line in enumerate(spend):
        require_finite(line.planned, f"spend[{index}].planned")
        if line.actual is not None:
            require_finite(line.actual, f"spend[{index}].actual")
    years = sorted({line.year for line in spend if line.actual is not None})
    actual = sum(line.actual for line in spend if line.actual is not None)
    planned = sum(line.planned for line in spend if line.year in years)
    realised = sum(t.realised_money for t in tracks)
    measured_periods = {
        (p.period_start, p.period_end)
        for t in tracks
        for p in t.periods
        if p.realised is not None and p.in_totals
    }
    return BidBenefits(
        tracks=tuple(tracks),
        predicted_money=sum(t.predicted_money for t in tracks),
        realised_money=realised,
        planned_spend=planned,
        actual_spend=actual,
        realised_roi=(realised - actual) / actual if actual > 0 else None,
        predicted_money_measured=sum(t.predicted_money_measured for t in tracks),
        periods_measured=len(measured_periods),
        spend_years=tuple(years),
    )


def _overlaps_expected(period: Period, expected: Sequence[Period], starts: list[dt.date]) -> bool:
    """Whether `period` overlaps one of the consecutive, sorted `expected` periods: the last of
    them to start by its end is the only one that can reach back to its start."""
    i = bisect.bisect_right(starts, period[1])
    return i > 0 and expected[i - 1][1] >= period[0]
