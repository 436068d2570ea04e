"""Hypotheses and realised series for the benefits-tracking tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from bpv.benefits import Observation, TrackingSettings, track
from bpv.benefits.periods import expected_periods
from bpv.hypotheses import (
    Additionality,
    Baseline,
    BenefitType,
    Monetisation,
    SuccessHypothesis,
    TrajectoryPoint,
)
from bpv.logic_model import Direction, Evidence, EvidenceGrade, Indicator

D = dt.date

# Emergency admissions a year fall from 1000 to 880 over the financial year 2017/18.
FEWER_ADMISSIONS = SuccessHypothesis(
    indicator=Indicator("emergency admissions", "admissions a year", Direction.DECREASE),
    baseline=Baseline(1000.0, D(2017, 3, 31)),
    trajectory=(TrajectoryPoint(D(2018, 3, 31), 880.0),),
    rationale="Community respiratory teams treat exacerbations at home.",
    evidence=Evidence("NICE NG115 evaluation", EvidenceGrade.MODERATE),
    confidence=0.8,
    edge=("respiratory_team", "fewer_admissions"),
    monetisation=Monetisation(2000.0, BenefitType.CASH_RELEASING),
)

# The share of people at home 91 days after discharge rises from 100 to 160 (per thousand).
MORE_AT_HOME = SuccessHypothesis(
    indicator=Indicator("at home 91 days after discharge", "per 1000", Direction.INCREASE),
    baseline=Baseline(100.0, D(2017, 3, 31)),
    trajectory=(TrajectoryPoint(D(2018, 3, 31), 160.0),),
    rationale="Reablement after discharge keeps people at home.",
    evidence=Evidence("SCIE review", EvidenceGrade.LOW),
    confidence=0.7,
    edge=("reablement", "at_home"),
)

SETTINGS = TrackingSettings()
AFTER_ALL = D(2030, 1, 1)


def with_trajectory(
    hypothesis: SuccessHypothesis, *points: tuple[dt.date, float]
) -> SuccessHypothesis:
    return replace(hypothesis, trajectory=tuple(TrajectoryPoint(d, v) for d, v in points))


def with_additionality(hypothesis: SuccessHypothesis, **shares: float) -> SuccessHypothesis:
    return replace(hypothesis, additionality=Additionality(**shares))


def monthly(
    hypothesis: SuccessHypothesis,
    level: Callable[[dt.date, float], float],
    *,
    until: dt.date | None = None,
    settings: TrackingSettings = SETTINGS,
) -> list[Observation]:
    """An observation for every expected period ending by `until`, its value `level(end,
    predicted)` where `predicted` is the trajectory's level at the period's end."""
    predicted = {
        p.period_end: p.predicted
        for p in track("h", hypothesis, [], settings, D(2000, 1, 1)).periods
    }
    last = hypothesis.trajectory[-1].date
    return [
        Observation(start, end, level(end, predicted[end]))
        for start, end in expected_periods(hypothesis.baseline.date, last, settings.cadence)
        if until is None or end <= until
    ]


def share_of_improvement(
    hypothesis: SuccessHypothesis, share: float
) -> Callable[[dt.date, float], float]:
    """Levels achieving `share` of the predicted improvement to date."""
    baseline = hypothesis.baseline.value
    return lambda _end, predicted: baseline + share * (predicted - baseline)


def observations(*items: tuple[dt.date, dt.date, float]) -> Sequence[Observation]:
    return [Observation(start, end, value) for start, end, value in items]
