"""What the answer is worth at other budgets and with options forced: marginal values of budget,
the efficient frontier, and the value if an option near the line went the other way. Each is a
fresh solve; they share the time left equally, and any left without time is marked so."""

from __future__ import annotations

import math

from bpv.portfolio.answer import FrontierPoint, MarginalValue, Status
from bpv.portfolio.deadline import Deadline
from bpv.portfolio.formulation import Formulation, Limits, Selection
from bpv.portfolio.greedy import with_greedy_fallback
from bpv.portfolio.solver import MIN_SOLVE_SECONDS, Solved, solve


class Resolver:
    """Solves again with new bounds, each solve taking an equal share of the time left among
    the solves still planned."""

    def __init__(
        self, formulation: Formulation, deadline: Deadline, gap_tolerance: float, planned: int
    ) -> None:
        self.formulation = formulation
        self.deadline = deadline
        self.gap_tolerance = gap_tolerance
        self.planned = planned
        self.skipped = 0

    def solve(self, limits: Limits) -> Solved | None:
        """None when no time is left for it. When the solver stops short of a proof, the
        greedy ranking's set under the same limits stands in if it is worth more."""
        share = self.deadline.remaining() / max(1, self.planned)
        self.planned -= 1
        if share < MIN_SOLVE_SECONDS:
            self.skipped += 1
            return None
        f = self.formulation
        solved = solve(f, limits, time_limit=share, gap_tolerance=self.gap_tolerance)
        return with_greedy_fallback(f, solved, limits)[0]


def budget_step(formulation: Formulation, year: int | None, fraction: float) -> float:
    """`fraction` of the budget concerned; of an even share of the envelope when that budget is
    nothing; never below a pound."""
    budget = formulation.problem.budget
    amount = float(budget.total or 0.0) if year is None else float(budget.by_year[year])
    if amount <= 0:
        amount = formulation.envelope / max(1, len(formulation.years))
    return max(1.0, fraction * amount)


def marginal_values(
    resolver: Resolver, base_status: Status, base_value: float | None, fraction: float
) -> tuple[MarginalValue, ...]:
    f = resolver.formulation
    rows: list[tuple[int | None, int]] = [(year, f.year_row[year]) for year in f.years]
    if f.total_row is not None:
        rows.append((None, f.total_row))
    found = []
    for year, row in rows:
        step = budget_step(f, year, fraction)
        solved = resolver.solve(f.limits(extra={row: step}))
        if solved is None:
            found.append(MarginalValue(year, step, None, Status.TIME_LIMIT))
            continue
        status = solved.status
        if base_status is Status.TIME_LIMIT and status is Status.OPTIMAL:
            status = Status.TIME_LIMIT
        gained = None
        if solved.value is not None and base_value is not None:
            # The base set still fits with more budget: the best known there is no worse.
            gained = max(0.0, solved.value - base_value)
        found.append(MarginalValue(year, step, gained, status))
    return tuple(found)


def frontier(
    resolver: Resolver,
    shares: tuple[float, ...],
    base: tuple[Status, float | None, float | None],
) -> tuple[FrontierPoint, ...]:
    """`base` is the main answer's (status, value, cost), reused at a share of 1."""
    f = resolver.formulation
    points = []
    for share in shares:
        envelope = f.envelope * share
        if math.isclose(share, 1.0):
            points.append(FrontierPoint(share, envelope, base[1], base[0], base[2]))
            continue
        solved = resolver.solve(f.limits(scale=share))
        if solved is None:
            points.append(FrontierPoint(share, envelope, None, Status.TIME_LIMIT))
            continue
        cost = None if solved.selection is None else f.cost(solved.selection)
        points.append(FrontierPoint(share, envelope, solved.value, solved.status, cost))
    return tuple(points)


def flipped_values(
    resolver: Resolver, selection: Selection, options: list[int]
) -> dict[str, tuple[float | None, Status]]:
    """For each option, the best value with it forced the other way, and that solve's status."""
    f = resolver.formulation
    found: dict[str, tuple[float | None, Status]] = {}
    for i in options:
        solved = resolver.solve(f.limits(fixed={i: not bool(selection[i])}))
        if solved is None:
            found[f.ids[i]] = (None, Status.TIME_LIMIT)
        else:
            found[f.ids[i]] = (solved.value, solved.status)
    return found


def planned_solves(formulation: Formulation, shares: tuple[float, ...], near: int) -> int:
    marginal = len(formulation.years) + (formulation.total_row is not None)
    return marginal + sum(not math.isclose(s, 1.0) for s in shares) + near
