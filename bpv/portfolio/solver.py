"""One solve of the integer programme with HiGHS through scipy.optimize.milp, read honestly:
`optimal` only when HiGHS proved the gap within the tolerance asked for."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy
from scipy.optimize import Bounds, LinearConstraint, milp

from bpv.portfolio.answer import Status
from bpv.portfolio.formulation import Formulation, Limits, Selection

SOLVER_NAME = "HiGHS (scipy.optimize.milp)"
GAP_EPSILON = 1e-9
"""Floating noise in HiGHS's reported relative gap when it has closed it."""
HIGHS_ABSOLUTE_GAP = 1e-6
"""HiGHS also stops when the best bound is within this of the best set's value (its
`mip_abs_gap`, which scipy does not expose): a millionth of a unit of value."""
PRESOLVE_MAX_ROW_ENTRIES = 2_500
"""HiGHS runs without presolve when a row has more entries than this. Its presolve ran far past
its time limit on long rows - a one-budget knapsack of 5,000 options took 1.8 s on a 0.5 s
limit and found no set; two budgets each over 20,000 options took 22.6 s on a 2 s limit - and
without it the same solves kept time and found sets within 0.1% and 3e-6 of the bound. On
5,000 options over five years, each costing in one to three of them (rows of about 2,000
entries), presolve helped."""
MIN_SOLVE_SECONDS = 0.01


def solver_version() -> str:
    try:
        from scipy.optimize._highspy import _core  # private: it may move

        highs = (
            f"{_core.HIGHS_VERSION_MAJOR}.{_core.HIGHS_VERSION_MINOR}.{_core.HIGHS_VERSION_PATCH}"
        )
    except (ImportError, AttributeError):
        highs = "unknown"
    return f"HiGHS {highs}, scipy {scipy.__version__}"


@dataclass(frozen=True)
class Solved:
    """`selection` is the best set found (None: none), checked against every bound; `bound`
    the proven upper bound on the value (None: unknown); `gap` the proven relative gap."""

    status: Status
    selection: Selection | None
    value: float | None
    bound: float | None
    gap: float | None
    seconds: float


def relative_gap(value: float, bound: float | None) -> float | None:
    """HiGHS's measure: how far the bound is above the value, as a fraction of the value."""
    if bound is None or not math.isfinite(bound):
        return None
    excess = max(0.0, bound - value)
    if excess <= HIGHS_ABSOLUTE_GAP:
        return 0.0
    return excess / abs(value) if value != 0 else None


def solve(
    formulation: Formulation,
    limits: Limits,
    *,
    time_limit: float,
    gap_tolerance: float,
    feasibility_only: bool = False,
) -> Solved:
    """Maximise the value within `limits` (or, with `feasibility_only`, find any set that fits),
    stopping at `time_limit` seconds as far as HiGHS keeps to it."""
    start = time.perf_counter()
    n = formulation.size
    if n == 0:
        return _empty(formulation, limits)
    if time_limit < MIN_SOLVE_SECONDS:
        return Solved(Status.TIME_LIMIT, None, None, None, None, 0.0)
    objective = np.zeros(n) if feasibility_only else -formulation.values
    constraints = (
        LinearConstraint(formulation.matrix, limits.row_lower, limits.row_upper)
        if formulation.matrix.shape[0]
        else None
    )
    result = milp(
        objective,
        integrality=np.ones(n),
        bounds=Bounds(limits.option_lower, limits.option_upper),
        constraints=constraints,
        options={
            "time_limit": float(time_limit),
            "mip_rel_gap": float(gap_tolerance),
            "presolve": formulation.longest_row <= PRESOLVE_MAX_ROW_ENTRIES,
        },
    )
    seconds = time.perf_counter() - start
    if result.status == 2:
        return Solved(Status.INFEASIBLE, None, None, None, None, seconds)
    selection = None
    if result.x is not None:
        selection = np.asarray(result.x) > 0.5
        if formulation.broken(selection, limits):
            # Never present a set that breaks a bound, whatever HiGHS's tolerances allowed.
            selection = None
    dual = result.get("mip_dual_bound")
    bound = None if feasibility_only or dual is None or not math.isfinite(dual) else -float(dual)
    if selection is None:
        return Solved(Status.TIME_LIMIT, None, None, bound, None, seconds)
    value = 0.0 if feasibility_only else formulation.value(selection)
    gap = 0.0 if feasibility_only else relative_gap(value, bound)
    proven = result.status == 0 and gap is not None and gap <= gap_tolerance + GAP_EPSILON
    status = Status.OPTIMAL if proven else Status.TIME_LIMIT
    return Solved(status, selection, value, bound, gap, seconds)


def _empty(formulation: Formulation, limits: Limits) -> Solved:
    nothing = np.zeros(0, dtype=bool)
    if formulation.broken(nothing, limits):
        return Solved(Status.INFEASIBLE, None, None, None, None, 0.0)
    return Solved(Status.OPTIMAL, nothing, 0.0, 0.0, 0.0, 0.0)
