"""Uncertainty (SPEC 4.5): seeded Monte Carlo, one-at-a-time tornado and switching values.

Every uncertain line's flows are scaled by one sampled multiplier, so its PV is computed once
and each sample's NPSV is a matrix product of multipliers and line PVs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bpv.appraisal.distributions import Distribution
from bpv.appraisal.lines import LineRole
from bpv.appraisal.validation import require_int
from bpv.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

DEFAULT_SAMPLES = 10_000
MAX_SAMPLES = 1_000_000
DEFAULT_SEED = 0
PERCENTILES = (5, 10, 50, 90, 95)


@dataclass(frozen=True)
class MonteCarloSettings:
    """A fixed seed makes a run reproducible: the same inputs give the same figures."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED

    def validate(self, field: str = "monte_carlo") -> None:
        samples = require_int(self.samples, f"{field}.samples")
        if not 1 <= samples <= MAX_SAMPLES:
            raise InvalidInput(
                f"samples must lie in [1, {MAX_SAMPLES:,}], got {samples:,}", f"{field}.samples"
            )
        if require_int(self.seed, f"{field}.seed") < 0:
            raise InvalidInput("seed must not be negative", f"{field}.seed")


@dataclass(frozen=True)
class LineValue:
    """A line's present value after every adjustment, and its distribution if uncertain."""

    name: str
    role: LineRole
    pv: float
    uncertainty: Distribution | None = None

    @property
    def npsv_contribution(self) -> float:
        return self.pv if self.role is LineRole.BENEFIT else -self.pv


@dataclass(frozen=True)
class Summary:
    """Mean and percentiles (linear interpolation between order statistics)."""

    mean: float
    p5: float
    p10: float
    p50: float
    p90: float
    p95: float

    @classmethod
    def of(cls, samples: FloatArray) -> Summary:
        p5, p10, p50, p90, p95 = (float(p) for p in np.percentile(samples, PERCENTILES))
        return cls(float(samples.mean()), p5, p10, p50, p90, p95)


@dataclass(frozen=True)
class MonteCarloResult:
    """`bcr` summarises only the samples whose PV of costs is positive (`bcr_defined_share`)."""

    samples: int
    seed: int
    npsv: Summary
    bcr: Summary | None
    bcr_defined_share: float
    probability_npsv_positive: float


@dataclass(frozen=True)
class TornadoBar:
    """NPSV (and BCR) with one line at the low and then the high end of its range."""

    line: str
    role: LineRole
    input_low: float
    input_high: float
    npsv_low: float
    npsv_high: float
    bcr_low: float | None
    bcr_high: float | None
    swing: float


@dataclass(frozen=True)
class SwitchingValue:
    """The multiplier on a line's flows at which NPSV = 0, all else as appraised.

    None when no non-negative multiplier reaches zero (for example a line with PV 0, or a
    cost line when NPSV is negative even without it).
    """

    line: str
    role: LineRole
    pv: float
    factor: float | None
    pv_at_switch: float | None
    change: float | None


def sample_multipliers(
    distributions: Sequence[Distribution], settings: MonteCarloSettings
) -> FloatArray:
    """One row of multipliers per distribution, drawn in order from one seeded generator."""
    rng = np.random.default_rng(settings.seed)
    multipliers = np.empty((len(distributions), settings.samples))
    for row, distribution in enumerate(distributions):
        multipliers[row] = distribution.sample(rng, settings.samples)
    return multipliers


def simulate(lines: Sequence[LineValue], settings: MonteCarloSettings) -> MonteCarloResult:
    """Monte Carlo of NPSV and BCR; lines without a distribution keep their appraised PV."""
    uncertain = [line for line in lines if line.uncertainty is not None]
    multipliers = sample_multipliers(
        [line.uncertainty for line in uncertain if line.uncertainty], settings
    )
    is_cost = np.array([line.role is LineRole.COST for line in uncertain], dtype=bool)
    pvs = np.array([line.pv for line in uncertain], dtype=np.float64)
    certain_costs = sum(
        line.pv for line in lines if line.uncertainty is None and line.role is LineRole.COST
    )
    certain_benefits = sum(
        line.pv for line in lines if line.uncertainty is None and line.role is LineRole.BENEFIT
    )
    pv_costs = certain_costs + np.where(is_cost, pvs, 0.0) @ multipliers
    pv_benefits = certain_benefits + np.where(is_cost, 0.0, pvs) @ multipliers
    npsv = pv_benefits - pv_costs
    costs_positive = pv_costs > 0.0
    defined = int(np.count_nonzero(costs_positive))
    bcr = None
    if defined:
        bcr = Summary.of(pv_benefits[costs_positive] / pv_costs[costs_positive])
    return MonteCarloResult(
        samples=settings.samples,
        seed=settings.seed,
        npsv=Summary.of(npsv),
        bcr=bcr,
        bcr_defined_share=defined / settings.samples,
        probability_npsv_positive=float(np.count_nonzero(npsv > 0.0)) / settings.samples,
    )


def tornado(lines: Sequence[LineValue]) -> tuple[TornadoBar, ...]:
    """One bar per uncertain line, widest swing first.

    The range of a triangular, PERT or uniform input is its low and high; of a normal input,
    its central 90% interval (mean +/- 1.645 sd).
    """
    pv_costs = sum(line.pv for line in lines if line.role is LineRole.COST)
    pv_benefits = sum(line.pv for line in lines if line.role is LineRole.BENEFIT)
    bars = []
    for line in lines:
        if line.uncertainty is None:
            continue
        low, high = line.uncertainty.tornado_range()
        is_cost = line.role is LineRole.COST
        ends = []
        for multiplier in (low, high):
            shift = (multiplier - 1.0) * line.pv
            costs = pv_costs + shift if is_cost else pv_costs
            benefits = pv_benefits if is_cost else pv_benefits + shift
            ends.append((benefits - costs, benefits / costs if costs > 0.0 else None))
        (npsv_low, bcr_low), (npsv_high, bcr_high) = ends
        bars.append(
            TornadoBar(
                line=line.name,
                role=line.role,
                input_low=low,
                input_high=high,
                npsv_low=npsv_low,
                npsv_high=npsv_high,
                bcr_low=bcr_low,
                bcr_high=bcr_high,
                swing=abs(npsv_high - npsv_low),
            )
        )
    return tuple(sorted(bars, key=lambda bar: bar.swing, reverse=True))


def switching_values(lines: Sequence[LineValue]) -> tuple[SwitchingValue, ...]:
    """For each line, the multiplier k with NPSV - contribution + k x contribution = 0."""
    npsv = sum(line.npsv_contribution for line in lines)
    values = []
    for line in lines:
        contribution = line.npsv_contribution
        factor = None if contribution == 0.0 else 1.0 - npsv / contribution
        # A negative multiplier cannot happen, and one beyond a float's range (a vanishing line
        # against a sizeable NPSV) means the line cannot switch the decision either.
        if factor is not None and (factor < 0.0 or not math.isfinite(factor * line.pv)):
            factor = None
        values.append(
            SwitchingValue(
                line=line.name,
                role=line.role,
                pv=line.pv,
                factor=factor,
                pv_at_switch=None if factor is None else factor * line.pv,
                change=None if factor is None else factor - 1.0,
            )
        )
    return tuple(values)
