"""For an infeasible problem, a small set of constraints that cannot all hold: a deletion
filter over the constraints as a user sees them (each mandatory flag, each year's budget, the
total, each share limit, each dependency, each group rule).

Each constraint in turn is dropped for good if the rest still admit no portfolio, and kept if
dropping it lets one through; what is kept is irreducible. Blocks of constraints are tried
first and halved when they cannot all go, so a conflict of k among m constraints takes about
k log m feasibility solves, not m.
"""

from __future__ import annotations

from bpv.portfolio.answer import ConflictItem, Status
from bpv.portfolio.deadline import Deadline
from bpv.portfolio.formulation import ConstraintGroup, Formulation
from bpv.portfolio.solver import solve

# Tried for dropping first, so the conflict is told, where there is a choice, in the terms a
# panel sets: mandatory flags and budgets.
DROP_FIRST = ("requires", "group", "share", "total_budget", "budget_year", "mandatory")
CHECK_SHARE = 0.25
"""Each feasibility solve may use this share of the time left."""


def smallest_conflict(
    formulation: Formulation, deadline: Deadline
) -> tuple[tuple[ConflictItem, ...], bool]:
    """The conflict found, and whether it is irreducible (False when time ran out or a solve
    could not decide before it did)."""
    groups = formulation.groups

    def infeasible(kept: list[ConstraintGroup]) -> bool | None:
        keep = set(kept)
        solved = solve(
            formulation,
            formulation.limits(disabled=[g for g in groups if g not in keep]),
            time_limit=deadline.remaining() * CHECK_SHARE,
            gap_tolerance=0.0,
            feasibility_only=True,
        )
        if solved.status is Status.INFEASIBLE:
            return True
        return False if solved.selection is not None else None

    necessary: list[ConstraintGroup] = []
    pending = sorted(groups, key=lambda g: DROP_FIRST.index(g.kind))
    minimal = True
    size = max(1, len(pending) // 2)
    while pending:
        if deadline.passed:
            minimal = False
            break
        size = min(size, len(pending))
        verdict = infeasible(necessary + pending[size:])
        if verdict is True:
            pending = pending[size:]
        elif size > 1:
            size //= 2
        else:
            necessary.append(pending[0])
            pending = pending[1:]
            minimal = minimal and verdict is False
            size = max(1, len(pending) // 2)
    conflict = necessary + pending
    items = tuple(ConflictItem(g.kind, g.detail, g.option_ids, g.year, g.name) for g in conflict)
    return items, minimal
