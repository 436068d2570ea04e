"""Calendar periods of a tracking cadence: months, or quarters starting in January, April, July
and October. A period is a (first day, last day) pair, both days included."""

from __future__ import annotations

import datetime as dt

from bpv.benefits.model import Cadence

Period = tuple[dt.date, dt.date]


def _months(cadence: Cadence) -> int:
    return 1 if cadence is Cadence.MONTH else 3


def _add_months(date: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `date`'s month."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(date: dt.date, cadence: Cadence) -> Period:
    months = _months(cadence)
    start = dt.date(date.year, (date.month - 1) // months * months + 1, 1)
    return start, _add_months(start, months) - dt.timedelta(days=1)


def expected_periods(baseline_date: dt.date, last_date: dt.date, cadence: Cadence) -> list[Period]:
    """The periods from the first one starting on or after the baseline date through the one
    containing the last target date (none when that one starts before the baseline)."""
    months = _months(cadence)
    start, end = period_containing(baseline_date, cadence)
    if start < baseline_date:
        start = end + dt.timedelta(days=1)
    periods = []
    while start <= last_date:
        following = _add_months(start, months)
        periods.append((start, following - dt.timedelta(days=1)))
        start = following
    return periods


def days_in(period: Period) -> int:
    return (period[1] - period[0]).days + 1
