"""The spreadsheet way, done as well as it can be: rank by value per pound and fund down the
list, skipping what does not fit. It is the baseline the optimum is compared with, and the set
answered when the solver has found none in time."""

from __future__ import annotations

import numpy as np

from bpv.portfolio.answer import FoundBy, Status
from bpv.portfolio.formulation import Floats, Formulation, Limits, Selection
from bpv.portfolio.solver import GAP_EPSILON, Solved, relative_gap


def value_per_pound(formulation: Formulation) -> Floats:
    """Value over cost over all years; an option that costs nothing ranks first if it adds
    value (+inf), last if it takes value away (-inf), and 0 if neither."""
    values, costs = formulation.values, formulation.total_costs
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            costs > 0, values / np.where(costs > 0, costs, 1.0), np.sign(values) * np.inf
        )
    return np.nan_to_num(ratio, nan=0.0, posinf=np.inf, neginf=-np.inf)


def greedy_selection(formulation: Formulation, limits: Limits | None = None) -> Selection:
    """Mandatory options first (with what they require); then, for each required group without
    one, its best option by value per pound that fits; then every option of positive value in
    order of value per pound, with the options it requires, when all of them fit every budget
    and share maximum and none sits beside a funded option of its group. What it cannot see to
    (a minimum share) it leaves: `Formulation.broken` says whether the set is feasible.
    `limits` (the problem's own by default) may scale budgets or fix options in or out."""
    f = formulation
    n = f.size
    limits = limits or f.limits()
    selection = np.zeros(n, dtype=bool)
    capacity = limits.row_upper.tolist()
    money = (f.money_rows & np.isfinite(limits.row_upper)).tolist()
    excluded = (limits.option_upper < 0.5).tolist()
    forced = limits.option_lower > 0.5
    used_groups: set[str] = set()

    def fits(members: list[int]) -> bool:
        groups = [f.group_of[m] for m in members if f.group_of[m] is not None]
        if len(set(groups)) < len(groups) or any(g in used_groups for g in groups):
            return False
        if any(excluded[m] for m in members):
            return False
        return all(amount <= capacity[row] for row, amount in f.needs(members, money).items())

    def take(members: list[int]) -> None:
        for row, amount in f.needs(members, money).items():
            capacity[row] -= amount
        for m in members:
            selection[m] = True
            group = f.group_of[m]
            if group is not None:
                used_groups.add(group)

    for i in np.flatnonzero(forced):
        if not selection[i]:
            take([m for m in f.closure_of(int(i), selection) if not excluded[m]])
    ratio = value_per_pound(f)
    for group in f.problem.required_groups:
        if group in used_groups:
            continue
        for m in sorted(f.members[group], key=lambda m: (-ratio[m], m)):
            members = f.closure_of(m, selection)
            if fits(members):
                take(members)
                break
    order = np.lexsort((np.arange(n), -ratio))
    values = f.values.tolist()
    prerequisites = f.prerequisites
    for i in order.tolist():
        if values[i] <= 0:
            break  # the rest add no value
        if selection[i]:
            continue
        members = (
            [i]
            if not prerequisites[i] or all(selection[a] for a in prerequisites[i])
            else f.closure_of(i, selection)
        )
        if fits(members):
            take(members)
    return selection


def with_greedy_fallback(
    formulation: Formulation,
    solved: Solved,
    limits: Limits,
    greedy: Selection | None = None,
) -> tuple[Solved, FoundBy]:
    """The solve, or - when the solver stopped short of a proof and the greedy set under the
    same limits is feasible and worth more - the greedy set, with its gap to the solver's bound
    (proven optimal if that is within the tolerance). Also who found the set answered."""
    if solved.status is not Status.TIME_LIMIT:
        return solved, "solver"
    f = formulation
    greedy = greedy_selection(f, limits) if greedy is None else greedy
    solver_found: FoundBy = "solver" if solved.selection is not None else "none"
    if f.broken(greedy, limits):
        return solved, solver_found
    value = f.value(greedy)
    if solved.value is not None and solved.value >= value:
        return solved, solver_found
    gap = relative_gap(value, solved.bound)
    tolerance = f.problem.settings.gap_tolerance
    proven = gap is not None and gap <= tolerance + GAP_EPSILON
    status = Status.OPTIMAL if proven else Status.TIME_LIMIT
    return Solved(status, greedy, value, solved.bound, gap, solved.seconds), "greedy"
