"""Summary measures of an appraisal: PVs, NPSV, BCR, ROI, payback year and IRR (SPEC 4.2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

FloatArray = npt.NDArray[np.float64]

IRR_LOWEST = -0.99
IRR_HIGHEST = 100.0
"""IRRs are searched between -99% and +10,000% a year."""
_IRR_GRID_POINTS = 400


class IrrStatus(StrEnum):
    NONE = "none"
    UNIQUE = "unique"
    MULTIPLE = "multiple"


@dataclass(frozen=True)
class Irr:
    """`value` is set only when exactly one rate makes NPV zero; `roots` lists every rate found."""

    status: IrrStatus
    value: float | None
    roots: tuple[float, ...]
    sign_changes: int
    note: str


def internal_rate_of_return(net_flows: npt.ArrayLike) -> Irr:
    """Rates r > -1 with sum(net[t] / (1 + r)^t) = 0, net[t] being the flow in year t.

    With one sign change in the flows there is exactly one such rate (Descartes' rule of signs).
    With more there may be none or several: the rates found by bracketing on a grid of
    ln(1 + r) and refining with Brent's method are all reported; a root where NPV touches
    zero without crossing it is not found.
    """
    flows = np.asarray(net_flows, dtype=np.float64)
    signs = np.sign(flows[flows != 0.0])
    sign_changes = int(np.count_nonzero(signs[1:] != signs[:-1]))
    if sign_changes == 0:
        return Irr(IrrStatus.NONE, None, (), 0, "net flows never change sign, so no rate exists")

    years = np.arange(flows.size, dtype=np.float64)
    last_year = years[-1]

    def scaled_npv(log_growth: npt.ArrayLike) -> FloatArray:
        # NPV x (1 + r)^max(0, -T): the same sign and roots as NPV, without overflow when
        # (1 + r) is small and t is large.
        g = np.asarray(log_growth, dtype=np.float64)[..., np.newaxis]
        exponent = -g * years - np.maximum(0.0, -g * last_year)
        npv: FloatArray = np.exp(exponent) @ flows
        return npv

    grid = np.linspace(math.log1p(IRR_LOWEST), math.log1p(IRR_HIGHEST), _IRR_GRID_POINTS)
    values = scaled_npv(grid)
    roots: list[float] = []
    for index in range(grid.size - 1):
        left, right = values[index], values[index + 1]
        if left == 0.0:
            roots.append(math.expm1(grid[index]))
        elif left * right < 0.0:
            root = brentq(lambda g: float(scaled_npv(g)), grid[index], grid[index + 1], xtol=1e-14)
            roots.append(math.expm1(float(root)))
    if values[-1] == 0.0:
        roots.append(math.expm1(grid[-1]))

    searched = f"between {IRR_LOWEST:.0%} and {IRR_HIGHEST:.0%}"
    if not roots:
        return Irr(IrrStatus.NONE, None, (), sign_changes, f"no rate {searched} makes NPV zero")
    if len(roots) == 1:
        note = (
            "unique: net flows change sign once"
            if sign_changes == 1
            else (f"net flows change sign {sign_changes} times; one rate {searched} makes NPV zero")
        )
        return Irr(IrrStatus.UNIQUE, roots[0], (roots[0],), sign_changes, note)
    return Irr(
        IrrStatus.MULTIPLE,
        None,
        tuple(roots),
        sign_changes,
        f"{len(roots)} rates make NPV zero; the IRR is not a reliable measure for these flows",
    )


def payback_year(net_flows: FloatArray, base_year: int, first_t: int = 0) -> int | None:
    """First financial year from `first_t` whose cumulative net flow is >= 0; None if never.

    Pass discounted flows for the discounted payback year. The scan starts at the first year
    with a non-zero flow so that empty years before a project starts do not count as paid back.
    """
    cumulative = np.cumsum(net_flows[first_t:])
    # Break-even flows can sum to -1e-16 in floating point; that is zero, not a shortfall.
    tolerance = 1e-12 * float(np.abs(net_flows).sum())
    reached = np.flatnonzero(cumulative >= -tolerance)
    return None if reached.size == 0 else base_year + first_t + int(reached[0])


@dataclass(frozen=True)
class Measures:
    """The SPEC 4.2 measures for one set of flows (before or after optimism bias)."""

    pv_costs: float
    pv_benefits: float
    pv_cash_releasing_benefits: float
    npsv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    payback_year_undiscounted: int | None
    irr: Irr


def measures_of(
    costs: FloatArray,
    benefits: FloatArray,
    discounted_costs: FloatArray,
    discounted_benefits: FloatArray,
    pv_cash_releasing_benefits: float,
    base_year: int,
    first_t: int,
) -> Measures:
    """Measures from per-year totals (index t = year - base_year), undiscounted and discounted.

    BCR and ROI are None when PV of costs is zero, or so near it that the ratio is beyond a
    float's range: the ratio is undefined either way.
    """
    pv_costs = float(discounted_costs.sum())
    pv_benefits = float(discounted_benefits.sum())
    return Measures(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_cash_releasing_benefits=pv_cash_releasing_benefits,
        npsv=pv_benefits - pv_costs,
        bcr=ratio_or_none(pv_benefits, pv_costs),
        roi=ratio_or_none(pv_cash_releasing_benefits - pv_costs, pv_costs),
        payback_year=payback_year(discounted_benefits - discounted_costs, base_year, first_t),
        payback_year_undiscounted=payback_year(benefits - costs, base_year, first_t),
        irr=internal_rate_of_return(benefits - costs),
    )


def ratio_or_none(numerator: float, denominator: float) -> float | None:
    if denominator == 0.0:
        return None
    ratio = numerator / denominator
    return ratio if math.isfinite(ratio) else None
