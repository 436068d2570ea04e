"""The best portfolio by trying every subset: the reference the solver is checked against.

Constraints are named as the answer names them ("budget 2018", "total budget", "A mandatory",
"B requires A", "group G", "group G required", "share programme_area X min"), so a conflict the
answer names can be checked on its own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
from numpy.typing import NDArray

from bpv.portfolio import PortfolioProblem

HALF_PENNY = 0.005
Masks = NDArray[np.bool_]


def every_subset(size: int) -> Masks:
    """Row k is the subset whose bits are those of k."""
    return ((np.arange(2**size)[:, None] >> np.arange(size)) & 1).astype(bool)


def constraint_masks(problem: PortfolioProblem, subsets: Masks) -> dict[str, Masks]:
    """Each constraint's name, with which subsets meet it."""
    options = problem.options
    x = subsets.astype(float)
    ids = [o.id for o in options]
    found: dict[str, Masks] = {}
    budget = problem.budget
    for year, limit in budget.by_year.items():
        costs = np.array(
            [o.cost.get(year, 0.0) if isinstance(o.cost, Mapping) else 0.0 for o in options]
        )
        found[f"budget {year}"] = x @ costs <= limit + HALF_PENNY
    totals = np.array([o.total_cost for o in options])
    if budget.total is not None:
        found["total budget"] = x @ totals <= budget.total + HALF_PENNY
    groups: dict[str, list[int]] = {}
    for i, option in enumerate(options):
        if option.group is not None:
            groups.setdefault(option.group, []).append(i)
        if option.mandatory:
            found[f"{option.id} mandatory"] = subsets[:, i]
        for needed in option.requires:
            found[f"{option.id} requires {needed}"] = ~subsets[:, i] | subsets[:, ids.index(needed)]
    for group, members in groups.items():
        count = subsets[:, members].sum(axis=1)
        if len(members) > 1:
            found[f"group {group}"] = count <= 1
        if group in problem.required_groups:
            found[f"group {group} required"] = count >= 1
    for share in problem.shares:
        inside = np.array([getattr(o, share.dimension.value) == share.key for o in options])
        spent = x @ (totals * inside)
        if share.min_share is not None:
            found[f"{share.name} min"] = spent >= share.min_share * budget.envelope - HALF_PENNY
        if share.max_share is not None:
            found[f"{share.name} max"] = spent <= share.max_share * budget.envelope + HALF_PENNY
    return found


def _feasible_masks(problem: PortfolioProblem, only: Collection[str] | None) -> Masks:
    subsets = every_subset(len(problem.options))
    excluded = np.array([o.excluded for o in problem.options], dtype=bool)
    ok = ~(subsets & excluded).any(axis=1)
    for name, meets in constraint_masks(problem, subsets).items():
        if only is None or name in only:
            ok &= meets
    return ok


def best_value(problem: PortfolioProblem, only: Collection[str] | None = None) -> float | None:
    """The best total value over every subset that meets every constraint (or only those
    named); None when none does."""
    ok = _feasible_masks(problem, only)
    if not ok.any():
        return None
    values = every_subset(len(problem.options)).astype(float) @ np.array(
        [o.value for o in problem.options]
    )
    return float(values[ok].max())


def feasible(problem: PortfolioProblem, chosen: Collection[str]) -> bool:
    """Whether this set meets every constraint."""
    ids = [o.id for o in problem.options]
    k = sum(1 << ids.index(i) for i in chosen)
    return bool(_feasible_masks(problem, None)[k])
