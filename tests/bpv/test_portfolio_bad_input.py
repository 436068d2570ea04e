"""A malformed portfolio problem is refused naming the field, as a client would write it."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from bpv.errors import InvalidInput
from bpv.portfolio import (
    Budget,
    Option,
    PortfolioProblem,
    ShareDimension,
    ShareLimit,
    SolveSettings,
    optimise,
    optimise_within_deadline,
)

YEARS = Budget(by_year={2018: 100, 2019: 100})
GOOD = (
    Option("a", 10, {2018: 5, 2019: 5}, group="g"),
    Option("b", 10, {2018: 5}, requires=("a",)),
    Option("c", 10, {2019: 5}),
)


def with_option(index: int, **changes: object) -> PortfolioProblem:
    options = list(GOOD)
    options[index] = replace(options[index], **changes)
    return PortfolioProblem(tuple(options), YEARS)


CASES = [
    (with_option(2, id="a"), "options[2].id", "used twice"),
    (with_option(1, id="  "), "options[1].id", "non-empty"),
    (with_option(1, requires=("a", "zz")), "options[1].requires[1]", "unknown option 'zz'"),
    (with_option(1, requires="a"), "options[1].requires", "list of option ids"),
    (with_option(0, requires=("b",)), "options[0].requires[0]", "circle"),
    (with_option(2, requires=("c",)), "options[2].requires[0]", "circle"),
    (with_option(1, cost={2018: -5}), "options[1].cost.2018", "negative"),
    (with_option(1, cost={2018: math.nan}), "options[1].cost.2018", "finite"),
    (with_option(2, cost={2020: 5}), "options[2].cost.2020", "no 2020 budget"),
    (with_option(2, cost={}), "options[2].cost", "at least one year"),
    (with_option(2, cost=5), "options[2].cost", "given by year"),
    (with_option(0, value=math.inf), "options[0].value", "finite"),
    (with_option(0, value=1e13), "options[0].value", "within"),
    (with_option(0, mandatory=True, excluded=True), "options[0].excluded", "both"),
    (with_option(0, group=""), "options[0].group", "non-empty"),
    (with_option(0, mandatory="yes"), "options[0].mandatory", "true or false"),
    (PortfolioProblem(GOOD, Budget()), "budget", "a total, budgets by year"),
    (
        PortfolioProblem(GOOD, Budget(by_year={2018: math.inf, 2019: 1})),
        "budget.by_year.2018",
        "finite",
    ),
    (
        PortfolioProblem(GOOD, Budget(by_year={2018: 1, 2019: -1})),
        "budget.by_year.2019",
        "negative",
    ),
    (PortfolioProblem(GOOD, Budget(total=math.nan)), "budget.total", "finite"),
    (PortfolioProblem(GOOD, Budget(by_year={18: 1})), "budget.by_year.18", "financial year"),
    (
        PortfolioProblem((Option("a", 1, -1.0),), Budget(total=10)),
        "options[0].cost",
        "negative",
    ),
    (
        PortfolioProblem(
            GOOD, YEARS, shares=(ShareLimit(ShareDimension.FOOTPRINT, "x", 0.6, 0.5),)
        ),
        "shares[0].min_share",
        "exceed",
    ),
    (
        PortfolioProblem(
            GOOD, YEARS, shares=(ShareLimit(ShareDimension.FOOTPRINT, "x", max_share=1.5),)
        ),
        "shares[0].max_share",
        "[0, 1]",
    ),
    (
        PortfolioProblem(GOOD, YEARS, shares=(ShareLimit(ShareDimension.FOOTPRINT, "x"),)),
        "shares[0]",
        "min_share, max_share or both",
    ),
    (
        PortfolioProblem(GOOD, YEARS, shares=(ShareLimit("area", "x", max_share=0.5),)),
        "shares[0].dimension",
        "programme_area, footprint",
    ),
    (
        PortfolioProblem(GOOD, YEARS, required_groups=("g", "h")),
        "required_groups[1]",
        "no option is in group 'h'",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(time_limit=0)),
        "settings.time_limit",
        "above 0",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(time_limit=61)),
        "settings.time_limit",
        "at most 60",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(gap_tolerance=-0.1)),
        "settings.gap_tolerance",
        "at least 0",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(frontier=(0.5, 0.0))),
        "settings.frontier[1]",
        "above 0",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(frontier=(0.5, 0.5))),
        "settings.frontier[1]",
        "twice",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(near_line=-1)),
        "settings.near_line",
        "whole number",
    ),
    (
        PortfolioProblem(GOOD, YEARS, settings=SolveSettings(marginal_step=0)),
        "settings.marginal_step",
        "above 0",
    ),
]


@pytest.mark.parametrize(("problem", "field", "words"), CASES, ids=[c[1] for c in CASES])
def test_bad_input_names_the_field(problem: PortfolioProblem, field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        optimise(problem)
    assert raised.value.field == field
    assert words in raised.value.message


def test_the_deadline_variant_refuses_bad_input_before_starting_a_worker() -> None:
    with pytest.raises(InvalidInput) as raised:
        optimise_within_deadline(with_option(2, id="a"))
    assert raised.value.field == "options[2].id"


def test_the_good_problem_these_are_made_from_is_valid() -> None:
    PortfolioProblem(GOOD, YEARS).validate()
