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
from bpv.appraisal.inputs import InputKind, UncertainInput
from bpv.appraisal.lines import LineRole
from bpv.appraisal.measures import ratio_or_none
from bpv.appraisal.validation import require_int
from bpv.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]

DEFAULT_SAMPLES = 10_000
"""Samples when a simulation names none (SPEC 4.5)."""
MAX_SAMPLES = 200_000
"""Samples one simulation may ask for: at most about 30 MB and 0.05 s of CPU on two inputs."""
MAX_SAMPLE_CELLS = 2_000_000
"""Samples x uncertain inputs one simulation may draw (16 MB of draws): bounds its memory and
time, measured at well under 0.1 s of CPU and under 30 MB however the cells are split."""
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


def check_sample_budget(samples: int, uncertain_inputs: int, field: str) -> None:
    """Refuse a simulation drawing more than MAX_SAMPLE_CELLS values, naming `field`."""
    if samples * uncertain_inputs > MAX_SAMPLE_CELLS:
        raise InvalidInput(
            f"{samples:,} samples of {uncertain_inputs} uncertain inputs is more than "
            f"{MAX_SAMPLE_CELLS:,} draws; ask for at most "
            f"{MAX_SAMPLE_CELLS // uncertain_inputs:,} samples",
            field,
        )


@dataclass(frozen=True)
class LineValue:
    """A line's present value after every adjustment, at the inputs' point values."""

    name: str
    role: LineRole
    pv: float

    @property
    def npsv_contribution(self) -> float:
        return self.pv if self.role is LineRole.BENEFIT else -self.pv


@dataclass(frozen=True)
class BoundInput:
    """An uncertain input and the lines it scales (indices into the line values).

    `line` names the one line it bears on; None for a round's input on several lines (the
    value of a QALY).
    """

    input: UncertainInput
    line: str | None
    role: LineRole
    lines: tuple[int, ...]


@dataclass(frozen=True)
class UncertainInputSummary:
    """Which central value an uncertain input took, and how its distribution sits around it.

    The point appraisal uses `point`; Monte Carlo draws from `distribution`, whose `mean` and
    `most_likely` value (None for a uniform) may differ from it. `point_percentile` is where the
    point falls in the distribution (50 for a symmetric one centred on it); `switching_value`
    the input's value at which NPSV = 0, all else at its point (None if none can be had).
    """

    kind: InputKind
    line: str | None
    role: LineRole
    point: float
    distribution: Distribution
    mean: float
    most_likely: float | None
    point_percentile: float
    switching_value: float | None


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


def percentile_rank(samples: FloatArray, value: float) -> float:
    """Where `value` falls among the samples, in [0, 100]: the percentage below it, ties
    counting half (94 means it sits at the 94th percentile)."""
    below = np.count_nonzero(samples < value)
    equal = np.count_nonzero(samples == value)
    return 100.0 * (below + 0.5 * equal) / samples.size


@dataclass(frozen=True)
class MonteCarloResult:
    """`bcr` summarises only the samples whose PV of costs is positive and whose BCR is within
    a float's range (`bcr_defined_share`).

    `npsv_point_percentile` and `bcr_point_percentile` say where the point appraisal's NPSV and
    BCR fall among the samples (see `percentile_rank`): near 50 when the inputs' distributions
    are centred on their point values, far from it when they are not.
    """

    samples: int
    seed: int
    npsv: Summary
    bcr: Summary | None
    bcr_defined_share: float
    probability_npsv_positive: float
    npsv_point_percentile: float
    bcr_point_percentile: float | None


@dataclass(frozen=True)
class TornadoBar:
    """NPSV (and BCR) with one uncertain input at the low and then the high end of its range.

    `input_low` and `input_high` are in the input's own units (a multiplier for a line's flows).
    """

    line: str | None
    role: LineRole
    input: InputKind
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
    """One row of draws per distribution, drawn in order from one seeded generator."""
    rng = np.random.default_rng(settings.seed)
    multipliers = np.empty((len(distributions), settings.samples))
    for row, distribution in enumerate(distributions):
        multipliers[row] = distribution.sample(rng, settings.samples)
    return multipliers


def _ratio(bound: BoundInput, value: float) -> float:
    """How far the input at `value` scales its lines against the input at its point."""
    return bound.input.factor(value) / bound.input.factor(bound.input.point)


def simulate(
    lines: Sequence[LineValue],
    inputs: Sequence[BoundInput],
    settings: MonteCarloSettings,
    point_npsv: float,
    point_bcr: float | None,
) -> MonteCarloResult:
    """Monte Carlo of NPSV and BCR; lines no input bears on keep their appraised PV."""
    draws = sample_multipliers([bound.input.distribution for bound in inputs], settings)
    for row, bound in enumerate(inputs):
        draws[row] = bound.input.factors(draws[row]) / bound.input.factor(bound.input.point)
    rows_by_line: dict[int, list[int]] = {}
    for row, bound in enumerate(inputs):
        for index in bound.lines:
            rows_by_line.setdefault(index, []).append(row)
    certain = [line for index, line in enumerate(lines) if index not in rows_by_line]
    pv_costs = np.full(
        settings.samples, math.fsum(x.pv for x in certain if x.role is LineRole.COST)
    )
    pv_benefits = np.full(
        settings.samples, math.fsum(x.pv for x in certain if x.role is LineRole.BENEFIT)
    )
    for index, rows in rows_by_line.items():
        line = lines[index]
        scaled = line.pv * (draws[rows[0]] if len(rows) == 1 else np.prod(draws[rows], axis=0))
        target = pv_costs if line.role is LineRole.COST else pv_benefits
        target += scaled
    npsv = pv_benefits - pv_costs
    # A BCR is defined where PV of costs is positive and the ratio stays within a float's range.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        all_ratios = pv_benefits / np.where(pv_costs > 0.0, pv_costs, 1.0)
    is_defined = (pv_costs > 0.0) & np.isfinite(all_ratios)
    defined = int(np.count_nonzero(is_defined))
    bcr, bcr_percentile = None, None
    if defined:
        ratios = all_ratios[is_defined]
        bcr = Summary.of(ratios)
        bcr_percentile = None if point_bcr is None else percentile_rank(ratios, point_bcr)
    return MonteCarloResult(
        samples=settings.samples,
        seed=settings.seed,
        npsv=Summary.of(npsv),
        bcr=bcr,
        bcr_defined_share=defined / settings.samples,
        probability_npsv_positive=float(np.count_nonzero(npsv > 0.0)) / settings.samples,
        npsv_point_percentile=percentile_rank(npsv, point_npsv),
        bcr_point_percentile=bcr_percentile,
    )


def _shares(lines: Sequence[LineValue], bound: BoundInput) -> tuple[float, float]:
    """PV of costs and of benefits among the lines an input bears on."""
    costs = sum(lines[i].pv for i in bound.lines if lines[i].role is LineRole.COST)
    benefits = sum(lines[i].pv for i in bound.lines if lines[i].role is LineRole.BENEFIT)
    return costs, benefits


def tornado(lines: Sequence[LineValue], inputs: Sequence[BoundInput]) -> tuple[TornadoBar, ...]:
    """One bar per uncertain input, widest swing first.

    The range of a triangular, PERT or uniform input is its low and high; of a normal input,
    its central 90% interval (mean +/- 1.645 sd).
    """
    pv_costs = sum(line.pv for line in lines if line.role is LineRole.COST)
    pv_benefits = sum(line.pv for line in lines if line.role is LineRole.BENEFIT)
    bars = []
    for bound in inputs:
        low, high = bound.input.distribution.tornado_range()
        bound_costs, bound_benefits = _shares(lines, bound)
        ends = []
        for value in (low, high):
            change = _ratio(bound, value) - 1.0
            costs = pv_costs + change * bound_costs
            benefits = pv_benefits + change * bound_benefits
            ends.append((benefits - costs, ratio_or_none(benefits, costs) if costs > 0.0 else None))
        (npsv_low, bcr_low), (npsv_high, bcr_high) = ends
        bars.append(
            TornadoBar(
                line=bound.line,
                role=bound.role,
                input=bound.input.kind,
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


def _switching_factor(npsv: float, contribution: float) -> float | None:
    """The multiplier k on a contribution with NPSV - contribution + k x contribution = 0.

    A negative multiplier cannot happen, and one beyond a float's range (a vanishing
    contribution against a sizeable NPSV) means it cannot switch the decision either.
    """
    if contribution == 0.0:
        return None
    factor = 1.0 - npsv / contribution
    if factor < 0.0 or not math.isfinite(factor * contribution):
        return None
    return factor


def switching_values(lines: Sequence[LineValue]) -> tuple[SwitchingValue, ...]:
    """For each line, the multiplier on its flows at which NPSV = 0."""
    npsv = sum(line.npsv_contribution for line in lines)
    values = []
    for line in lines:
        factor = _switching_factor(npsv, line.npsv_contribution)
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


def input_summaries(
    lines: Sequence[LineValue], inputs: Sequence[BoundInput]
) -> tuple[UncertainInputSummary, ...]:
    """Each uncertain input's point, distribution and switching value, in the inputs' order."""
    npsv = sum(line.npsv_contribution for line in lines)
    summaries = []
    for bound in inputs:
        given = bound.input
        costs, benefits = _shares(lines, bound)
        factor = _switching_factor(npsv, benefits - costs)
        switching = None
        if factor is not None:
            switching = given.value_at(given.factor(given.point) * factor)
            if given.takes_away and not 0.0 <= switching <= 1.0:
                switching = None  # no share in [0, 1] brings NPSV to zero
        summaries.append(
            UncertainInputSummary(
                kind=given.kind,
                line=bound.line,
                role=bound.role,
                point=given.point,
                distribution=given.distribution,
                mean=given.distribution.mean(),
                most_likely=given.distribution.most_likely(),
                point_percentile=100.0 * given.distribution.cdf(given.point),
                switching_value=switching,
            )
        )
    return tuple(summaries)
