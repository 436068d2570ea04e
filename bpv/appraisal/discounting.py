"""Discount factors: the Green Book declining schedule, its health counterpart, or a flat rate."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bpv.appraisal.validation import require_finite, require_int
from bpv.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

MAX_HORIZON = 500
"""Furthest year (t = year - base_year) that can be discounted."""

# (last year of the band, rate); the final band runs to MAX_HORIZON.
GREEN_BOOK_BANDS: tuple[tuple[int, float], ...] = (
    (30, 0.035),
    (75, 0.030),
    (125, 0.025),
    (200, 0.020),
    (300, 0.015),
    (MAX_HORIZON, 0.010),
)
HEALTH_BANDS: tuple[tuple[int, float], ...] = (
    (30, 0.015),
    (75, 0.0129),
    (125, 0.0107),
    (200, 0.0086),
    (300, 0.0064),
    (MAX_HORIZON, 0.0043),
)


class ScheduleKind(StrEnum):
    GREEN_BOOK = "green_book"
    HEALTH = "health"
    FLAT = "flat"


@dataclass(frozen=True)
class DiscountSchedule:
    """How future years are discounted; build with `green_book()`, `health()` or `flat(rate)`.

    DF(0) = 1 and DF(t) = DF(t-1) / (1 + r(t)), so a change of rate applies from the first year
    of its band onwards rather than restating earlier years at the new rate.
    """

    kind: ScheduleKind = ScheduleKind.GREEN_BOOK
    rate: float | None = None

    @classmethod
    def green_book(cls) -> DiscountSchedule:
        return cls(ScheduleKind.GREEN_BOOK)

    @classmethod
    def health(cls) -> DiscountSchedule:
        return cls(ScheduleKind.HEALTH)

    @classmethod
    def flat(cls, rate: float, field: str = "discounting.rate") -> DiscountSchedule:
        rate = require_finite(rate, field)
        if not -1.0 < rate < 1.0:
            raise InvalidInput(f"a flat discount rate must lie in (-1, 1), got {rate}", field)
        return cls(ScheduleKind.FLAT, rate)

    def validate(self, field: str = "discounting") -> None:
        """Re-check a schedule built directly rather than through a constructor."""
        if self.kind is ScheduleKind.FLAT:
            if self.rate is None:
                raise InvalidInput("a flat schedule needs a rate", f"{field}.rate")
            DiscountSchedule.flat(self.rate, f"{field}.rate")
        elif self.rate is not None:
            raise InvalidInput(f"the {self.kind} schedule takes no rate", f"{field}.rate")

    def for_health(self) -> DiscountSchedule:
        """The schedule for QALY flows: the health schedule in place of the Green Book one."""
        return DiscountSchedule.health() if self.kind is ScheduleKind.GREEN_BOOK else self

    def rate_in_year(self, t: int) -> float:
        """r(t), the rate that discounts year t back to year t - 1 (t >= 1)."""
        if self.kind is ScheduleKind.FLAT:
            assert self.rate is not None
            return self.rate
        bands = GREEN_BOOK_BANDS if self.kind is ScheduleKind.GREEN_BOOK else HEALTH_BANDS
        for last_year, rate in bands:
            if t <= last_year:
                return rate
        return bands[-1][1]

    def factor(self, t: int) -> float:
        """DF(t) for 0 <= t <= MAX_HORIZON."""
        return float(self.factors(t)[t])

    def factors(self, horizon: int) -> FloatArray:
        """DF(0), DF(1), ..., DF(horizon): horizon + 1 factors, read-only."""
        require_int(horizon, "horizon")
        if not 0 <= horizon <= MAX_HORIZON:
            raise InvalidInput(f"horizon must lie in [0, {MAX_HORIZON}], got {horizon}", "horizon")
        return _all_factors(self.kind, self.rate)[: horizon + 1]


@lru_cache(maxsize=64)
def _all_factors(kind: ScheduleKind, rate: float | None) -> FloatArray:
    schedule = DiscountSchedule(kind, rate)
    growth = np.array([1.0] + [1.0 + schedule.rate_in_year(t) for t in range(1, MAX_HORIZON + 1)])
    factors: FloatArray = 1.0 / np.cumprod(growth)
    factors.flags.writeable = False  # cached and shared between callers
    return factors
