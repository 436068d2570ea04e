"""The forecast at completion: an ordinary least-squares line through the realised levels
against time, read at the last target date, with a Student-t prediction interval."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from bpv.benefits.model import Forecast

FORECAST_CONFIDENCE = 0.80


def linear_forecast(
    points: Sequence[tuple[dt.date, float]],
    at: dt.date,
    confidence: float = FORECAST_CONFIDENCE,
) -> Forecast | None:
    """The trend of `points` (date, level) read at `at`; None with fewer than 2 points or all
    on one date. With 3 or more, an interval for a new reading on `at`:
    ŷ ± t(n-2) x s x sqrt(1 + 1/n + (x0 - x̄)² / Sxx), s² = residual sum of squares / (n - 2).
    With exactly 2 the line goes through both and there is no interval."""
    n = len(points)
    if n < 2:
        return None
    # Days from the first point keep the numbers small, so the fit loses no precision.
    origin = points[0][0].toordinal()
    x = np.array([date.toordinal() - origin for date, _ in points], dtype=np.float64)
    y = np.array([level for _, level in points], dtype=np.float64)
    x0 = float(at.toordinal() - origin)
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0.0:
        return None
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    value = y_mean + slope * (x0 - x_mean)
    per_year = slope * 365.25
    fit = (
        f"ordinary least-squares line through the {n} realised levels (each dated at its "
        f"period's end) against time, read on {at}; trend {per_year:+.4g} a year"
    )
    if n < 3:
        return Forecast(
            at, value, None, None, confidence, f"{fit}; no interval from 2 points", points=n
        )
    residuals = y - (y_mean + slope * (x - x_mean))
    s = math.sqrt(float((residuals**2).sum()) / (n - 2))
    spread = s * math.sqrt(1.0 + 1.0 / n + (x0 - x_mean) ** 2 / sxx)
    t = float(stats.t.ppf((1.0 + confidence) / 2.0, n - 2))
    method = (
        f"{fit}; {confidence:.0%} prediction interval for a reading on that date, Student's t "
        f"with {n - 2} degrees of freedom"
    )
    return Forecast(at, value, value - t * spread, value + t * spread, confidence, method, n)
