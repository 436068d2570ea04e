"""Distributions an uncertain line can carry: a multiplier on all of the line's flows.

A line whose flows are uncertain by "between 90% and 130%, most likely 100%" carries
`Triangular(0.9, 1.0, 1.3)`; the deterministic appraisal uses the flows as given (multiplier 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import betainc

from bpv.appraisal.validation import require_finite
from bpv.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

NORMAL_P95_Z = 1.6448536269514722
"""z such that P(Z <= z) = 0.95: a normal input's tornado range is its central 90% interval."""


def _point_mass_cdf(at: float, x: float) -> float:
    """A degenerate range: a point at its value sits in the middle of its one sample."""
    return 0.0 if x < at else 1.0 if x > at else 0.5


def _require_ordered(low: float, mode: float | None, high: float, field: str) -> None:
    require_finite(low, f"{field}.low")
    require_finite(high, f"{field}.high")
    if low > high:
        raise InvalidInput(f"low ({low}) exceeds high ({high})", f"{field}.low")
    if mode is not None:
        require_finite(mode, f"{field}.mode")
        if not low <= mode <= high:
            raise InvalidInput(f"mode ({mode}) must lie between low and high", f"{field}.mode")


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float

    kind: ClassVar[str] = "triangular"

    def validate(self, field: str) -> None:
        _require_ordered(self.low, self.mode, self.high, field)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        if self.low == self.high:  # numpy refuses a degenerate triangle
            return np.full(size, self.low)
        return rng.triangular(self.low, self.mode, self.high, size)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def most_likely(self) -> float | None:
        return self.mode

    def cdf(self, x: float) -> float:
        low, mode, high = self.low, self.mode, self.high
        if low == high:
            return _point_mass_cdf(low, x)
        if x <= low:
            return 0.0
        if x >= high:
            return 1.0
        if x <= mode:
            return (x - low) ** 2 / ((high - low) * (mode - low))
        return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))

    def tornado_range(self) -> tuple[float, float]:
        return self.low, self.high

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def scaled(self, factor: float) -> Triangular:
        return Triangular(self.low * factor, self.mode * factor, self.high * factor)


@dataclass(frozen=True)
class Pert:
    """Beta-PERT with the usual shape 4: mean = (low + 4 mode + high) / 6."""

    low: float
    mode: float
    high: float
    shape: float = 4.0

    kind: ClassVar[str] = "pert"

    def validate(self, field: str) -> None:
        _require_ordered(self.low, self.mode, self.high, field)
        if require_finite(self.shape, f"{field}.shape") <= 0.0:
            raise InvalidInput("PERT shape must be positive", f"{field}.shape")

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        width = self.high - self.low
        if width == 0.0:
            return np.full(size, self.low)
        alpha = 1.0 + self.shape * (self.mode - self.low) / width
        beta = 1.0 + self.shape * (self.high - self.mode) / width
        return self.low + width * rng.beta(alpha, beta, size)

    def mean(self) -> float:
        return (self.low + self.shape * self.mode + self.high) / (self.shape + 2.0)

    def most_likely(self) -> float | None:
        return self.mode

    def cdf(self, x: float) -> float:
        width = self.high - self.low
        if width == 0.0:
            return _point_mass_cdf(self.low, x)
        alpha = 1.0 + self.shape * (self.mode - self.low) / width
        beta = 1.0 + self.shape * (self.high - self.mode) / width
        share = min(max((x - self.low) / width, 0.0), 1.0)
        return float(betainc(alpha, beta, share))

    def tornado_range(self) -> tuple[float, float]:
        return self.low, self.high

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def scaled(self, factor: float) -> Pert:
        return Pert(self.low * factor, self.mode * factor, self.high * factor, self.shape)


@dataclass(frozen=True)
class Normal:
    """Unbounded: a multiplier may come out negative if sd is large against the mean."""

    mean_value: float
    sd: float

    kind: ClassVar[str] = "normal"

    def validate(self, field: str) -> None:
        require_finite(self.mean_value, f"{field}.mean")
        if require_finite(self.sd, f"{field}.sd") < 0.0:
            raise InvalidInput("sd must not be negative", f"{field}.sd")

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.normal(self.mean_value, self.sd, size)

    def mean(self) -> float:
        return self.mean_value

    def most_likely(self) -> float | None:
        return self.mean_value

    def cdf(self, x: float) -> float:
        if self.sd == 0.0:
            return _point_mass_cdf(self.mean_value, x)
        return 0.5 * (1.0 + math.erf((x - self.mean_value) / (self.sd * math.sqrt(2.0))))

    def tornado_range(self) -> tuple[float, float]:
        half_width = NORMAL_P95_Z * self.sd
        return self.mean_value - half_width, self.mean_value + half_width

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf) if self.sd > 0.0 else (self.mean_value, self.mean_value)

    def scaled(self, factor: float) -> Normal:
        return Normal(self.mean_value * factor, abs(self.sd * factor))


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    kind: ClassVar[str] = "uniform"

    def validate(self, field: str) -> None:
        _require_ordered(self.low, None, self.high, field)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return rng.uniform(self.low, self.high, size)

    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    def most_likely(self) -> float | None:
        """None: every value in the range is as likely as any other."""
        return None

    def cdf(self, x: float) -> float:
        if self.low == self.high:
            return _point_mass_cdf(self.low, x)
        return min(max((x - self.low) / (self.high - self.low), 0.0), 1.0)

    def tornado_range(self) -> tuple[float, float]:
        return self.low, self.high

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def scaled(self, factor: float) -> Uniform:
        return Uniform(self.low * factor, self.high * factor)


Distribution = Triangular | Pert | Normal | Uniform
