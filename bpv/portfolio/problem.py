"""A portfolio problem as a whole, and the checks that refuse a malformed one naming the field
as a client would write it (`options[3].id`, `budget.by_year.2018`, ...)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from bpv.appraisal.validation import require_finite
from bpv.errors import InvalidInput
from bpv.portfolio.inputs import (
    MAX_AMOUNT,
    MAX_FRONTIER_POINTS,
    MAX_FRONTIER_SHARE,
    MAX_NEAR_LINE,
    MAX_OPTIONS,
    MAX_TIME_LIMIT,
    MAX_YEAR,
    MAX_YEARS,
    MIN_YEAR,
    Budget,
    Option,
    ShareDimension,
    ShareLimit,
    SolveSettings,
)


@dataclass(frozen=True)
class PortfolioProblem:
    """The options, the budget, optional share limits, and `required_groups`: groups of which
    exactly one option must be funded (a scheme that must go ahead at one of its scales)."""

    options: tuple[Option, ...]
    budget: Budget
    shares: tuple[ShareLimit, ...] = ()
    settings: SolveSettings = field(default_factory=SolveSettings)
    required_groups: tuple[str, ...] = ()

    def validate(self) -> None:
        """Raise `InvalidInput` naming the first field that breaks a rule."""
        _check_budget(self.budget)
        _check_options(self.options, self.budget)
        _check_requires(self.options)
        _check_shares(self.shares)
        _check_required_groups(self.required_groups, self.options)
        _check_settings(self.settings)


def _amount(value: object, at: str) -> float:
    number = require_finite(value, at)  # type: ignore[arg-type]
    if number < 0:
        raise InvalidInput(f"{at} must not be negative, got {number}", at)
    if number > MAX_AMOUNT:
        raise InvalidInput(f"{at} must be at most {MAX_AMOUNT:.0e}", at)
    return number


def _year(year: object, at: str) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            f"a financial year must be a whole number from {MIN_YEAR} to {MAX_YEAR}", at
        )
    return year


def _name(value: object, at: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} must be a non-empty string", at)


def _check_budget(budget: object) -> None:
    if not isinstance(budget, Budget):
        raise InvalidInput("budget must be a Budget", "budget")
    if budget.total is not None:
        _amount(budget.total, "budget.total")
    if not isinstance(budget.by_year, Mapping):
        raise InvalidInput("budget.by_year must map financial years to pounds", "budget.by_year")
    if len(budget.by_year) > MAX_YEARS:
        raise InvalidInput(f"at most {MAX_YEARS} yearly budgets", "budget.by_year")
    for year, amount in budget.by_year.items():
        at = f"budget.by_year.{year}"
        _year(year, at)
        _amount(amount, at)
    if budget.total is None and not budget.by_year:
        raise InvalidInput("the budget needs a total, budgets by year, or both", "budget")


def _check_cost(cost: object, at: str, budget_years: Mapping[int, float]) -> None:
    if isinstance(cost, Mapping):
        if not cost:
            raise InvalidInput("a cost by year must name at least one year", at)
        for year, amount in cost.items():
            _year(year, f"{at}.{year}")
            _amount(amount, f"{at}.{year}")
            if budget_years and year not in budget_years:
                raise InvalidInput(
                    f"the budget has no {year} budget for this cost to count against",
                    f"{at}.{year}",
                )
        return
    _amount(cost, at)
    if budget_years:
        raise InvalidInput(
            "with budgets by year, a cost must be given by year (pounds in each year)", at
        )


def _check_options(options: object, budget: Budget) -> None:
    if not isinstance(options, Sequence) or isinstance(options, str):
        raise InvalidInput("options must be a list of options", "options")
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(f"at most {MAX_OPTIONS:,} options", "options")
    seen: set[str] = set()
    for index, option in enumerate(options):
        at = f"options[{index}]"
        if not isinstance(option, Option):
            raise InvalidInput("each option must be an Option", at)
        _name(option.id, f"{at}.id", "an option's id")
        if option.id in seen:
            raise InvalidInput(f"option id {option.id!r} is used twice", f"{at}.id")
        seen.add(option.id)
        value = require_finite(option.value, f"{at}.value")
        if abs(value) > MAX_AMOUNT:
            raise InvalidInput(f"a value must lie within ±{MAX_AMOUNT:.0e}", f"{at}.value")
        _check_cost(option.cost, f"{at}.cost", budget.by_year)
        for name in ("group", "programme_area", "footprint"):
            if getattr(option, name) is not None:
                _name(getattr(option, name), f"{at}.{name}", name.replace("_", " "))
        for name in ("mandatory", "excluded"):
            if not isinstance(getattr(option, name), bool):
                raise InvalidInput(f"{name} must be true or false", f"{at}.{name}")
        if option.mandatory and option.excluded:
            raise InvalidInput("an option cannot be both mandatory and excluded", f"{at}.excluded")
        if isinstance(option.requires, str) or not isinstance(option.requires, Sequence):
            raise InvalidInput("requires must be a list of option ids", f"{at}.requires")


def _check_requires(options: Sequence[Option]) -> None:
    index_of = {option.id: index for index, option in enumerate(options)}
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for index, option in enumerate(options):
        sorter.add(option.id)
        for position, required in enumerate(option.requires):
            at = f"options[{index}].requires[{position}]"
            if not isinstance(required, str) or required not in index_of:
                raise InvalidInput(f"requires an unknown option {required!r}", at)
            sorter.add(option.id, required)
    try:
        sorter.prepare()
    except CycleError as error:
        cycle: list[str] = error.args[1]
        # Each node is required by the next; name the link of the earliest-listed option.
        links = [(cycle[k + 1], cycle[k]) for k in range(len(cycle) - 1)]
        needing, needed = min(links, key=lambda link: index_of[link[0]])
        index = index_of[needing]
        position = list(options[index].requires).index(needed)
        path = " -> ".join(reversed(cycle))
        raise InvalidInput(
            f"options require each other in a circle: {path}",
            f"options[{index}].requires[{position}]",
        ) from None


def _share(value: object, at: str) -> float:
    share = require_finite(value, at)  # type: ignore[arg-type]
    if not 0.0 <= share <= 1.0:
        raise InvalidInput(f"{at} must lie in [0, 1], got {share}", at)
    return share


def _check_shares(shares: object) -> None:
    if not isinstance(shares, Sequence):
        raise InvalidInput("shares must be a list of share limits", "shares")
    seen: set[tuple[str, str]] = set()
    for index, limit in enumerate(shares):
        at = f"shares[{index}]"
        if not isinstance(limit, ShareLimit):
            raise InvalidInput("each share limit must be a ShareLimit", at)
        if not isinstance(limit.dimension, ShareDimension):
            choices = ", ".join(d.value for d in ShareDimension)
            raise InvalidInput(f"dimension must be one of {choices}", f"{at}.dimension")
        _name(limit.key, f"{at}.key", "a share limit's key")
        if (limit.dimension, limit.key) in seen:
            raise InvalidInput(f"{limit.name} is limited twice", f"{at}.key")
        seen.add((limit.dimension, limit.key))
        low = None if limit.min_share is None else _share(limit.min_share, f"{at}.min_share")
        high = None if limit.max_share is None else _share(limit.max_share, f"{at}.max_share")
        if low is None and high is None:
            raise InvalidInput("a share limit needs min_share, max_share or both", at)
        if low is not None and high is not None and low > high:
            raise InvalidInput("min_share must not exceed max_share", f"{at}.min_share")


def _check_required_groups(required: object, options: Sequence[Option]) -> None:
    if isinstance(required, str) or not isinstance(required, Sequence):
        raise InvalidInput("required_groups must be a list of group names", "required_groups")
    groups = {option.group for option in options}
    seen: set[str] = set()
    for index, group in enumerate(required):
        at = f"required_groups[{index}]"
        _name(group, at, "a group name")
        if group not in groups:
            raise InvalidInput(f"no option is in group {group!r}", at)
        if group in seen:
            raise InvalidInput(f"group {group!r} is listed twice", at)
        seen.add(group)


def _check_settings(settings: object) -> None:
    if not isinstance(settings, SolveSettings):
        raise InvalidInput("settings must be SolveSettings", "settings")
    gap = require_finite(settings.gap_tolerance, "settings.gap_tolerance")
    if not 0.0 <= gap < 1.0:
        raise InvalidInput("gap_tolerance must be at least 0 and below 1", "settings.gap_tolerance")
    limit = require_finite(settings.time_limit, "settings.time_limit")
    if not 0.0 < limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            f"time_limit must be above 0 and at most {MAX_TIME_LIMIT:g} seconds",
            "settings.time_limit",
        )
    if not isinstance(settings.explain, bool):
        raise InvalidInput("explain must be true or false", "settings.explain")
    frontier = settings.frontier
    if isinstance(frontier, str) or not isinstance(frontier, Sequence):
        raise InvalidInput("frontier must be a list of envelope shares", "settings.frontier")
    if len(frontier) > MAX_FRONTIER_POINTS:
        raise InvalidInput(f"at most {MAX_FRONTIER_POINTS} frontier points", "settings.frontier")
    for index, share in enumerate(frontier):
        at = f"settings.frontier[{index}]"
        number = require_finite(share, at)
        if not 0.0 < number <= MAX_FRONTIER_SHARE:
            raise InvalidInput(f"a frontier share must be above 0 and at most 10, got {share}", at)
        if any(math.isclose(number, earlier) for earlier in frontier[:index]):
            raise InvalidInput(f"frontier share {share} is listed twice", at)
    near = settings.near_line
    if isinstance(near, bool) or not isinstance(near, int) or not 0 <= near <= MAX_NEAR_LINE:
        raise InvalidInput(
            f"near_line must be a whole number from 0 to {MAX_NEAR_LINE}", "settings.near_line"
        )
    step = require_finite(settings.marginal_step, "settings.marginal_step")
    if not 0.0 < step <= 1.0:
        raise InvalidInput("marginal_step must be above 0 and at most 1", "settings.marginal_step")
