"""What a portfolio optimisation answers: the funded set and how sure it is, what binds, what
more budget would buy, the efficient frontier, and why each option is in or out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal


class Status(StrEnum):
    OPTIMAL = "optimal"
    """Proven best within the gap tolerance."""
    TIME_LIMIT = "time_limit"
    """The best set found when time ran out (or the solver stopped short of a proof)."""
    INFEASIBLE = "infeasible"
    """Proven: no set of options meets every constraint."""


class ReasonCode(StrEnum):
    # Why a funded option is in.
    MANDATORY = "mandatory"
    REQUIRED_BY_SELECTED = "required_by_selected"
    NEEDED_FOR_GROUP = "needed_for_group"
    NEEDED_FOR_SHARE = "needed_for_share"
    ABOVE_LINE = "above_line"
    # Why an option is out.
    EXCLUDED = "excluded"
    BETTER_ALTERNATIVE = "better_alternative"
    PREREQUISITE_UNAVAILABLE = "prerequisite_unavailable"
    NO_VALUE = "no_value"
    BELOW_LINE = "below_line"
    BREAKS_BUDGET_YEAR = "breaks_budget_year"
    BREAKS_TOTAL_BUDGET = "breaks_total_budget"
    BREAKS_SHARE_LIMIT = "breaks_share_limit"
    NOT_REACHED = "not_reached"
    """Out, though it would fit and add value: the search stopped (time limit or gap
    tolerance) before it was tried in."""
    NO_FEASIBLE_PORTFOLIO = "no_feasible_portfolio"


ConstraintKind = Literal["mandatory", "budget_year", "total_budget", "share", "requires", "group"]
FoundBy = Literal["solver", "greedy", "none"]


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint that keeps the portfolio from a better value: it stands in the way of
    funding an option that is out and would add value (with what it needs), or of dropping one
    that is in and takes value away. `slack` is what is left before its limit, in pounds for
    budgets and shares, in options for groups."""

    name: str
    kind: ConstraintKind
    slack: float
    year: int | None = None


@dataclass(frozen=True)
class MarginalValue:
    """The value gained by `step` more pounds in `year` (None: the total budget), found by
    solving again; share limits stay at their pounds. `status` is the weaker of the two
    solves' (so `time_limit` marks an estimate); `value_gained` is None when either has no
    portfolio."""

    year: int | None
    step: float
    value_gained: float | None
    status: Status


@dataclass(frozen=True)
class FrontierPoint:
    """The best value with every budget (and so the envelope) scaled by `share`."""

    share: float
    envelope: float
    value: float | None
    status: Status
    total_cost: float | None = None


@dataclass(frozen=True)
class OptionReason:
    """Why one option is in or out, in a code and in plain words. `value_per_pound` is the
    option's value over its cost over all years (None when it costs nothing);
    `value_if_flipped` the best total value with this option forced the other way (only for
    the options nearest the funding line; None when not solved or no portfolio exists then),
    with that solve's status in `flip_status`."""

    option_id: str
    selected: bool
    reason: ReasonCode
    detail: str
    value_per_pound: float | None
    value_if_flipped: float | None = None
    flip_status: Status | None = None


@dataclass(frozen=True)
class GreedyComparison:
    """What ranking by value per pound and funding down the list would choose: mandatory
    options first, then each option that still fits (with what it requires, and not beside
    another of its group). `feasible` is False when that set breaks a constraint the ranking
    cannot see to (a minimum share, a required group, mandatory options over budget);
    `optimum_gain` is the answer's value above it, when both are known."""

    selected: tuple[str, ...]
    total_value: float
    optimum_gain: float | None
    feasible: bool
    total_cost: float = 0.0


@dataclass(frozen=True)
class ConflictItem:
    """One member of a set of constraints that together no portfolio can meet. `name` is the
    constraint's short name ("budget 2018", "A mandatory", "B requires A", "group G",
    "group G required", "share programme_area cancer min")."""

    kind: ConstraintKind
    detail: str
    option_ids: tuple[str, ...] = ()
    year: int | None = None
    name: str = ""


@dataclass(frozen=True)
class SolverInfo:
    name: str
    version: str
    time_limit: float
    elapsed_seconds: float
    stopped_from_outside: bool
    """The work did not finish by itself: its worker process was terminated at the deadline
    (or ended early, after the main answer)."""
    explanations_complete: bool
    """Every explanation asked for is there (each re-solve's own status says how sure it is)."""
    best_found_by: FoundBy
    """Who found the set answered: the solver, the greedy ranking (the solver had found none in
    time), or nobody (no set meeting every constraint was found)."""


@dataclass(frozen=True)
class PortfolioAnswer:
    """`gap` is the proven bound on how far `total_value` may be below the best possible, as a
    fraction of it (None when nothing bounds it, as for a greedy set or an infeasible
    problem). `funding_line` is the lowest value per pound among options funded on their value.
    `conflict` names a set of constraints that cannot all hold, when infeasible; it is
    irreducible (drop any one and the rest can hold) when `conflict_minimal`."""

    status: Status
    selected: tuple[str, ...]
    total_value: float
    total_cost: float
    cost_by_year: Mapping[int, float]
    gap: float | None
    gap_tolerance: float
    binding: tuple[BindingConstraint, ...]
    marginal_values: tuple[MarginalValue, ...]
    frontier: tuple[FrontierPoint, ...]
    reasons: tuple[OptionReason, ...]
    greedy: GreedyComparison
    conflict: tuple[ConflictItem, ...]
    solver: SolverInfo
    envelope: float = 0.0
    funding_line: float | None = None
    conflict_minimal: bool = False


@dataclass(frozen=True)
class AnswerPart:
    """A piece of explanation that follows the main answer (what a worker process sends as it
    goes); `finished` marks the last, with whether everything asked for was done."""

    binding: tuple[BindingConstraint, ...] | None = None
    reasons: tuple[OptionReason, ...] | None = None
    funding_line: float | None = None
    marginal_values: tuple[MarginalValue, ...] | None = None
    frontier: tuple[FrontierPoint, ...] | None = None
    flips: Mapping[str, tuple[float | None, Status]] | None = None
    conflict: tuple[ConflictItem, ...] | None = None
    conflict_minimal: bool = False
    finished: bool = False
    complete: bool = False
    elapsed_seconds: float | None = None

    def applied_to(self, answer: PortfolioAnswer) -> PortfolioAnswer:
        if self.binding is not None:
            answer = replace(answer, binding=self.binding)
        if self.reasons is not None:
            answer = replace(answer, reasons=self.reasons, funding_line=self.funding_line)
        if self.conflict is not None:
            answer = replace(answer, conflict=self.conflict, conflict_minimal=self.conflict_minimal)
        if self.marginal_values is not None:
            answer = replace(answer, marginal_values=self.marginal_values)
        if self.frontier is not None:
            answer = replace(answer, frontier=self.frontier)
        if self.flips is not None:
            flips = self.flips
            reasons = []
            for reason in answer.reasons:
                if reason.option_id in flips:
                    value, status = flips[reason.option_id]
                    reason = replace(reason, value_if_flipped=value, flip_status=status)
                reasons.append(reason)
            answer = replace(answer, reasons=tuple(reasons))
        if self.finished:
            solver = replace(answer.solver, explanations_complete=self.complete)
            if self.elapsed_seconds is not None:
                solver = replace(solver, elapsed_seconds=self.elapsed_seconds)
            answer = replace(answer, solver=solver)
        return answer
