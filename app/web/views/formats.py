"""Figures as the pages print them: pounds, fractions as percentages, scores."""

from __future__ import annotations

import math

NONE = "—"


def pounds(value: float | None) -> str:
    """£1,234,567 to the pound; negative amounts with a minus sign before the pound sign."""
    if value is None or not math.isfinite(value):
        return NONE
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def short_pounds(value: float | None) -> str:
    """£8m, £1.48m, £720k: for axes and chart labels, where a full figure does not fit."""
    if value is None or not math.isfinite(value):
        return NONE
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        text = f"{size / 1e6:.2f}".rstrip("0").rstrip(".") + "m"
    elif size >= 1e3:
        text = f"{size / 1e3:.0f}k"
    else:
        text = f"{size:.0f}"
    return f"{sign}£{text}"


def percent(value: float | None, places: int = 0) -> str:
    """A fraction as a percentage: 0.24 is 24%."""
    if value is None or not math.isfinite(value):
        return NONE
    return f"{value * 100:.{places}f}%"


def number(value: float | None, places: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return NONE
    return f"{value:,.{places}f}"
