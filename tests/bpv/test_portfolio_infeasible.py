"""Constraints no portfolio can meet get an answer that names a smallest set of them in
conflict, never an exception."""

from __future__ import annotations

from bpv.portfolio import Budget, Option, PortfolioProblem, ReasonCode, Status, optimise


def test_two_mandatory_options_over_the_2018_budget_are_named_with_it() -> None:
    problem = PortfolioProblem(
        options=(
            Option("ward", 50, {2018: 60, 2019: 10}, mandatory=True),
            Option("clinic", 40, {2018: 50, 2019: 0}, mandatory=True),
            Option("app", 30, {2018: 0, 2019: 20}, mandatory=True),
            Option("hub", 20, {2018: 10, 2019: 10}, requires=("ward",)),
        ),
        budget=Budget(total=500, by_year={2018: 100, 2019: 100}),
    )
    answer = optimise(problem)
    assert answer.status is Status.INFEASIBLE
    assert answer.selected == ()
    assert answer.gap is None
    assert answer.conflict_minimal
    assert sorted(item.name for item in answer.conflict) == [
        "budget 2018",
        "clinic mandatory",
        "ward mandatory",
    ]
    budget = next(item for item in answer.conflict if item.kind == "budget_year")
    assert budget.year == 2018
    assert budget.detail == "the 2018 budget of £100"
    ward = next(item for item in answer.conflict if item.name == "ward mandatory")
    assert (ward.kind, ward.option_ids) == ("mandatory", ("ward",))
    assert ward.detail == "ward is mandatory; it costs £60 in 2018, £10 in 2019"
    assert all(r.reason is ReasonCode.NO_FEASIBLE_PORTFOLIO for r in answer.reasons)
    # 10% more in every year (110 in 2018) lets both in; 5% more in 2018 alone does not.
    frontier = {point.share: point for point in answer.frontier}
    assert frontier[1.0].status is Status.INFEASIBLE
    assert frontier[1.1].status is Status.OPTIMAL
    assert frontier[1.1].value == 120  # the three mandatory; the hub finds no room in 2018
    marginal = {m.year: m for m in answer.marginal_values}
    assert marginal[2018].status is Status.INFEASIBLE
    assert marginal[2018].value_gained is None
    assert not answer.greedy.feasible
    assert answer.greedy.optimum_gain is None


def test_a_mandatory_option_that_needs_an_excluded_one_names_the_dependency() -> None:
    problem = PortfolioProblem(
        options=(
            Option("site", 10, 30, excluded=True),
            Option("build", 50, 40, requires=("site",), mandatory=True),
            Option("other", 5, 5),
        ),
        budget=Budget(total=100),
    )
    answer = optimise(problem)
    assert answer.status is Status.INFEASIBLE
    assert sorted(item.name for item in answer.conflict) == [
        "build mandatory",
        "build requires site",
    ]
    link = next(item for item in answer.conflict if item.kind == "requires")
    assert link.option_ids == ("build", "site")


def test_two_mandatory_alternatives_conflict_through_their_group() -> None:
    problem = PortfolioProblem(
        options=(
            Option("small", 10, 10, group="scheme", mandatory=True),
            Option("large", 20, 20, group="scheme", mandatory=True),
        ),
        budget=Budget(total=100),
    )
    answer = optimise(problem)
    assert answer.status is Status.INFEASIBLE
    assert sorted(item.name for item in answer.conflict) == [
        "group scheme",
        "large mandatory",
        "small mandatory",
    ]
