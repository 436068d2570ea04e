"""The portfolio as a 0-1 integer programme: one binary per option, one row per budget, group,
dependency and share limit, each row side owned by a named constraint that can be relaxed.

    maximise    sum(value_i x_i)
    subject to  sum(cost_iy x_i) <= budget_y                      each budgeted year y
                sum(total_cost_i x_i) <= total                    the total budget, if any
                sum(x_i for i in group g) <= 1  (>= 1 if required)  each group
                x_b - x_a <= 0                                    b requires a
                min_share E <= sum(total_cost_i x_i for i in key) <= max_share E   each share limit
                x_i = 1 if mandatory, x_i = 0 if excluded, x_i in {0, 1}

Budget and share bounds carry half a penny of slack (the ranking's funding tolerance): costs
in pounds and pence that add up to the budget are within it, whatever the binary rounding.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array, csc_array, csr_array

from bpv.portfolio.answer import ConstraintKind
from bpv.portfolio.problem import PortfolioProblem
from bpv.portfolio.wording import pounds
from bpv.ranking import FUNDING_TOLERANCE

Side = Literal["upper", "lower"]
Floats = NDArray[np.float64]
Selection = NDArray[np.bool_]


@dataclass(frozen=True)
class ConstraintGroup:
    """One constraint as a user sees it: a budget, a group rule, a dependency, a share limit or
    a mandatory flag. It owns one side of one row (or, for a mandatory flag, the lower bound of
    one option), so relaxing it is setting that bound to infinity."""

    kind: ConstraintKind
    name: str
    detail: str
    row: int | None = None
    side: Side = "upper"
    option: int | None = None
    option_ids: tuple[str, ...] = ()
    year: int | None = None


@dataclass(frozen=True)
class Limits:
    """The bounds of one solve: rows and options."""

    row_lower: Floats
    row_upper: Floats
    option_lower: Floats
    option_upper: Floats


class Formulation:
    """Built once from a validated problem; every solve (the main one, the frontier, marginal
    values, forced options, the conflict search) changes only bounds."""

    def __init__(self, problem: PortfolioProblem) -> None:
        options = problem.options
        budget = problem.budget
        self.problem = problem
        self.ids: tuple[str, ...] = tuple(option.id for option in options)
        self.index: dict[str, int] = {option_id: i for i, option_id in enumerate(self.ids)}
        n = len(options)
        self.size = n
        self.values: Floats = np.array([float(o.value) for o in options], dtype=np.float64)
        self.total_costs: Floats = np.array([o.total_cost for o in options], dtype=np.float64)
        self.envelope = budget.envelope
        self.years: tuple[int, ...] = tuple(sorted(budget.by_year))
        self.prerequisites: list[list[int]] = [
            sorted({self.index[r] for r in o.requires}) for o in options
        ]
        self.dependants: list[list[int]] = [[] for _ in range(n)]
        for b, needed in enumerate(self.prerequisites):
            for a in needed:
                self.dependants[a].append(b)
        self.group_of: list[str | None] = [o.group for o in options]
        self.members: dict[str, list[int]] = {}
        for i, option in enumerate(options):
            if option.group is not None:
                self.members.setdefault(option.group, []).append(i)
        self.mandatory = np.array([o.mandatory for o in options], dtype=bool)
        self.excluded = np.array([o.excluded for o in options], dtype=bool)

        rows: list[int] = []
        cols: list[int] = []
        coefs: list[float] = []
        lower: list[float] = []
        upper: list[float] = []
        scaled: list[bool] = []
        self.row_kind: list[ConstraintKind] = []
        self.row_year: list[int | None] = []
        self.row_label: list[str] = []
        self.groups: list[ConstraintGroup] = []
        self.year_row: dict[int, int] = {}
        self.total_row: int | None = None

        def add_row(
            entries: list[tuple[int, float]],
            low: float,
            high: float,
            kind: ConstraintKind,
            label: str,
            year: int | None = None,
            money: bool = False,
        ) -> int:
            row = len(lower)
            for col, coef in entries:
                if coef != 0.0:
                    rows.append(row)
                    cols.append(col)
                    coefs.append(coef)
            lower.append(low)
            upper.append(high)
            scaled.append(money)
            self.row_kind.append(kind)
            self.row_year.append(year)
            self.row_label.append(label)
            return row

        for year in self.years:
            entries = [(i, float(o.cost.get(year, 0.0))) for i, o in enumerate(options)]  # type: ignore[union-attr]
            limit = float(budget.by_year[year])
            row = add_row(entries, -np.inf, limit, "budget_year", f"budget {year}", year, True)
            self.year_row[year] = row
            self.groups.append(
                ConstraintGroup(
                    "budget_year", f"budget {year}", f"the {year} budget of {pounds(limit)}",
                    row, year=year,
                )
            )  # fmt: skip
        if budget.total is not None:
            entries = [(i, float(c)) for i, c in enumerate(self.total_costs)]
            total = float(budget.total)
            row = add_row(entries, -np.inf, total, "total_budget", "total budget", money=True)
            self.total_row = row
            self.groups.append(
                ConstraintGroup(
                    "total_budget", "total budget", f"the total budget of {pounds(total)}", row
                )
            )
        required = set(problem.required_groups)
        self.group_row: dict[str, int] = {}
        for group, members in self.members.items():
            at_most_one = len(members) > 1
            if not at_most_one and group not in required:
                continue
            member_ids = tuple(self.ids[i] for i in members)
            row = add_row(
                [(i, 1.0) for i in members],
                1.0 if group in required else -np.inf,
                1.0 if at_most_one else np.inf,
                "group",
                f"group {group}",
            )
            self.group_row[group] = row
            if at_most_one:
                self.groups.append(
                    ConstraintGroup(
                        "group", f"group {group}",
                        f"at most one option of group {group} ({', '.join(member_ids)})",
                        row, option_ids=member_ids,
                    )
                )  # fmt: skip
            if group in required:
                self.groups.append(
                    ConstraintGroup(
                        "group", f"group {group} required",
                        f"one option of group {group} must be funded ({', '.join(member_ids)})",
                        row, "lower", option_ids=member_ids,
                    )
                )  # fmt: skip
        links = sorted({(b, a) for b, needed in enumerate(self.prerequisites) for a in needed})
        for b, a in links:
            row = add_row(
                [(b, 1.0), (a, -1.0)], -np.inf, 0.0, "requires", f"{self.ids[b]} requires"
            )
            self.groups.append(
                ConstraintGroup(
                    "requires", f"{self.ids[b]} requires {self.ids[a]}",
                    f"{self.ids[b]} can only be funded with {self.ids[a]}",
                    row, option_ids=(self.ids[b], self.ids[a]),
                )
            )  # fmt: skip
        self.share_rows: list[int] = []
        for share in problem.shares:
            dimension = share.dimension.value
            inside = [
                (i, float(self.total_costs[i]))
                for i, o in enumerate(options)
                if getattr(o, dimension) == share.key
            ]
            low = -np.inf if share.min_share is None else share.min_share * self.envelope
            high = np.inf if share.max_share is None else share.max_share * self.envelope
            row = add_row(inside, low, high, "share", share.name, money=True)
            self.share_rows.append(row)
            where = f"{dimension.replace('_', ' ')} {share.key}"
            inside_ids = tuple(self.ids[i] for i, _ in inside)
            if share.min_share is not None:
                self.groups.append(
                    ConstraintGroup(
                        "share", f"{share.name} min",
                        f"{where} must take at least {share.min_share:.0%} of the envelope "
                        f"({pounds(low)})",
                        row, "lower", option_ids=inside_ids,
                    )
                )  # fmt: skip
            if share.max_share is not None:
                self.groups.append(
                    ConstraintGroup(
                        "share", f"{share.name} max",
                        f"{where} may take at most {share.max_share:.0%} of the envelope "
                        f"({pounds(high)})",
                        row, option_ids=inside_ids,
                    )
                )  # fmt: skip
        for i in np.flatnonzero(self.mandatory).tolist():
            costs = self._costs_in_words(i)
            self.groups.append(
                ConstraintGroup(
                    "mandatory", f"{self.ids[i]} mandatory",
                    f"{self.ids[i]} is mandatory; it costs {costs}",
                    option=i, option_ids=(self.ids[i],),
                )
            )  # fmt: skip

        shape = (len(lower), n)
        self.matrix: csr_array = csr_array(
            coo_array((np.array(coefs, dtype=np.float64), (rows, cols)), shape=shape)
        )
        self.columns: csc_array = csc_array(self.matrix)
        self.longest_row = int(np.diff(self.matrix.indptr).max()) if len(lower) else 0
        self.base_lower: Floats = np.array(lower, dtype=np.float64)
        self.base_upper: Floats = np.array(upper, dtype=np.float64)
        self.money_rows = np.array(scaled, dtype=bool)
        self.owner: dict[tuple[int, Side], ConstraintGroup] = {
            (group.row, group.side): group for group in self.groups if group.row is not None
        }
        # Plain lists: the greedy ranking and the explanations walk options one by one.
        self.column_starts: list[int] = self.columns.indptr.tolist()
        self.column_rows: list[int] = self.columns.indices.tolist()
        self.column_coefs: list[float] = self.columns.data.tolist()

    def needs(self, members: list[int], rows: list[bool] | None = None) -> dict[int, float]:
        """What these options together put on each row (only `rows` marked True, if given)."""
        starts, row_of, coef_of = self.column_starts, self.column_rows, self.column_coefs
        need: dict[int, float] = {}
        for m in members:
            for k in range(starts[m], starts[m + 1]):
                row = row_of[k]
                if rows is None or rows[row]:
                    need[row] = need.get(row, 0.0) + coef_of[k]
        return need

    def _costs_in_words(self, i: int) -> str:
        cost = self.problem.options[i].cost
        if isinstance(cost, Mapping):
            parts = [f"{pounds(cost[year])} in {year}" for year in sorted(cost) if cost[year]]
            return ", ".join(parts) if parts else "nothing"
        return pounds(float(cost))

    def limits(
        self,
        *,
        scale: float = 1.0,
        extra: Mapping[int, float] | None = None,
        fixed: Mapping[int, bool] | None = None,
        disabled: Collection[ConstraintGroup] = (),
    ) -> Limits:
        """Bounds with every budget and share limit scaled by `scale` (the envelope scaled),
        `extra` pounds added to the upper bound of some budget rows, some options `fixed` in
        or out, and some constraints relaxed."""
        factor = np.where(self.money_rows, scale, 1.0)
        slack = np.where(self.money_rows, FUNDING_TOLERANCE, 0.0)
        with np.errstate(invalid="ignore"):
            row_lower = self.base_lower * factor - slack
            row_upper = self.base_upper * factor + slack
        for row, pounds_more in (extra or {}).items():
            row_upper[row] += pounds_more
        option_lower = self.mandatory.astype(np.float64)
        option_upper = (~self.excluded).astype(np.float64)
        for i, funded in (fixed or {}).items():
            option_lower[i] = option_upper[i] = 1.0 if funded else 0.0
        for group in disabled:
            if group.option is not None:
                option_lower[group.option] = 0.0
            elif group.row is not None and group.side == "upper":
                row_upper[group.row] = np.inf
            elif group.row is not None:
                row_lower[group.row] = -np.inf
        return Limits(row_lower, row_upper, option_lower, option_upper)

    def activity(self, selection: Selection) -> Floats:
        result: Floats = self.matrix @ selection.astype(np.float64)
        return result

    def broken(self, selection: Selection, limits: Limits | None = None) -> list[str]:
        """The rows and option bounds this selection breaks, by name (empty: it is feasible)."""
        limits = limits or self.limits()
        activity = self.activity(selection)
        rows = np.flatnonzero((activity > limits.row_upper) | (activity < limits.row_lower))
        chosen = selection.astype(np.float64)
        options = np.flatnonzero((chosen < limits.option_lower) | (chosen > limits.option_upper))
        return [self.row_label[r] for r in rows] + [f"option {self.ids[i]}" for i in options]

    def value(self, selection: Selection) -> float:
        return float(np.sum(self.values[selection])) if selection.any() else 0.0

    def cost(self, selection: Selection) -> float:
        return float(np.sum(self.total_costs[selection])) if selection.any() else 0.0

    def cost_by_year(self, selection: Selection) -> dict[int, float]:
        """Pounds in each budgeted year, and in any other year a chosen cost names."""
        by_year = dict.fromkeys(self.years, 0.0)
        for i in np.flatnonzero(selection):
            cost = self.problem.options[i].cost
            if isinstance(cost, Mapping):
                for year, pounds_in_year in cost.items():
                    by_year[year] = by_year.get(year, 0.0) + float(pounds_in_year)
        return dict(sorted(by_year.items()))

    def selected_ids(self, selection: Selection) -> tuple[str, ...]:
        return tuple(self.ids[i] for i in np.flatnonzero(selection))

    def closure_of(self, i: int, selection: Selection) -> list[int]:
        """Option i with every option it needs, directly or not, that is not yet selected."""
        found = [i]
        seen = {i}
        stack = [i]
        while stack:
            for a in self.prerequisites[stack.pop()]:
                if a not in seen and not selection[a]:
                    seen.add(a)
                    found.append(a)
                    stack.append(a)
        return found

    def dependants_of(self, i: int, selection: Selection) -> list[int]:
        """Option i with every selected option that needs it, directly or not."""
        found = [i]
        seen = {i}
        stack = [i]
        while stack:
            for b in self.dependants[stack.pop()]:
                if b not in seen and selection[b]:
                    seen.add(b)
                    found.append(b)
                    stack.append(b)
        return found
