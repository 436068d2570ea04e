"""Portfolios with known answers: textbook cases, alternatives that must be chosen between, the
greedy ranking's shortfall, and why each option is in or out."""

from __future__ import annotations

import pytest

from bpv.portfolio import (
    Budget,
    Option,
    OptionReason,
    PortfolioAnswer,
    PortfolioProblem,
    ReasonCode,
    ShareDimension,
    ShareLimit,
    SolveSettings,
    Status,
    optimise,
)


def by_id(answer: PortfolioAnswer) -> dict[str, OptionReason]:
    return {r.option_id: r for r in answer.reasons}


def test_capital_rationing_funds_two_smaller_projects_over_the_one_best() -> None:
    # Brealey, Myers & Allen, Principles of Corporate Finance, "Capital rationing": with $10m
    # to invest now, A (costs 10, NPV 21) is the best single project, but B (5, NPV 16) and
    # C (5, NPV 12) together are worth 28. D costs nothing now but 40 next year, over the
    # year's 10.
    problem = PortfolioProblem(
        options=(
            Option("A", 21, {2018: 10, 2019: 0}),
            Option("B", 16, {2018: 5, 2019: 0}),
            Option("C", 12, {2018: 5, 2019: 0}),
            Option("D", 13, {2018: 0, 2019: 40}),
        ),
        budget=Budget(by_year={2018: 10, 2019: 10}),
    )
    answer = optimise(problem)
    assert answer.status is Status.OPTIMAL
    assert answer.gap == 0.0
    assert answer.selected == ("B", "C")
    assert answer.total_value == 28
    assert answer.cost_by_year == {2018: 10, 2019: 0}
    # The profitability index ranks B (3.2), C (2.4), A (2.1): A is below the line C sets.
    assert answer.funding_line == 2.4
    reasons = by_id(answer)
    assert reasons["A"].reason is ReasonCode.BELOW_LINE
    assert reasons["A"].detail == (
        "Value per pound 2.1 is below the funding line of 2.4; it would also break the 2018 "
        "budget (it needs £10 in 2018, £0 is left)"
    )
    assert reasons["A"].value_if_flipped == 21
    assert reasons["D"].reason is ReasonCode.BELOW_LINE
    assert "2019 budget (it needs £40 in 2019, £10 is left)" in reasons["D"].detail


def test_the_best_pair_beats_the_single_best_project() -> None:
    # Budget 100: A alone is worth 90; B and C together 95.
    problem = PortfolioProblem(
        options=(Option("A", 90, 100), Option("B", 50, 50), Option("C", 45, 50)),
        budget=Budget(total=100),
    )
    answer = optimise(problem)
    assert (answer.selected, answer.total_value, answer.total_cost) == (("B", "C"), 95, 100)
    assert [b.name for b in answer.binding] == ["total budget"]
    assert answer.binding[0].slack == 0
    assert by_id(answer)["A"].value_if_flipped == 90


def test_the_greedy_ranking_by_value_per_pound_falls_short_and_the_gain_is_stated() -> None:
    # Cormen et al., Introduction to Algorithms, the 0-1 knapsack figure: items weighing 10,
    # 20 and 30 worth 60, 100 and 120, capacity 50. Taking the best value per pound first
    # gives items 1 and 2 (160); the best is items 2 and 3 (220).
    problem = PortfolioProblem(
        options=(Option("1", 60, 10), Option("2", 100, 20), Option("3", 120, 30)),
        budget=Budget(total=50),
    )
    answer = optimise(problem)
    assert answer.selected == ("2", "3")
    assert answer.total_value == 220
    assert answer.greedy.selected == ("1", "2")
    assert answer.greedy.total_value == 160
    assert answer.greedy.total_cost == 30
    assert answer.greedy.optimum_gain == 60
    assert answer.greedy.feasible
    reasons = by_id(answer)
    # Item 1 has the best value per pound and is still out: adding it breaks the budget.
    assert reasons["1"].reason is ReasonCode.BREAKS_TOTAL_BUDGET
    assert reasons["1"].value_per_pound == 6
    assert answer.funding_line == 4


def schemes(*, both_required: bool) -> PortfolioProblem:
    """Two schemes each at two scales (a group each); X is a small stand-alone bid."""
    return PortfolioProblem(
        options=(
            Option("stroke small", 60, {2018: 40}, group="stroke"),
            Option("stroke large", 100, {2018: 70}, group="stroke"),
            Option("diabetes basic", 20, {2018: 30}, group="diabetes"),
            Option("diabetes full", 35, {2018: 60}, group="diabetes"),
            Option("X", 30, {2018: 20}),
        ),
        budget=Budget(by_year={2018: 110}),
        required_groups=("stroke", "diabetes") if both_required else (),
    )


def test_one_version_of_each_scheme_must_be_chosen() -> None:
    free = optimise(schemes(both_required=False))
    assert free.selected == ("stroke large", "X")
    assert free.total_value == 130
    assert by_id(free)["diabetes basic"].reason is ReasonCode.BELOW_LINE

    required = optimise(schemes(both_required=True))
    # With both schemes required: large stroke and basic diabetes (120) beat small stroke and
    # full diabetes (95) and small stroke, basic diabetes and X (110).
    assert required.status is Status.OPTIMAL
    assert required.selected == ("stroke large", "diabetes basic")
    assert required.total_value == 120
    reasons = by_id(required)
    assert reasons["diabetes basic"].reason is ReasonCode.NEEDED_FOR_GROUP
    assert reasons["diabetes full"].reason is ReasonCode.BETTER_ALTERNATIVE
    assert reasons["diabetes full"].detail == "In group diabetes, diabetes basic is funded instead"
    assert reasons["X"].reason is ReasonCode.BREAKS_BUDGET_YEAR


def test_a_required_group_with_every_option_excluded_is_infeasible() -> None:
    problem = PortfolioProblem(
        options=(
            Option("a", 1, 1, group="g", excluded=True),
            Option("b", 1, 1, group="g", excluded=True),
        ),
        budget=Budget(total=10),
        required_groups=("g",),
    )
    answer = optimise(problem)
    assert answer.status is Status.INFEASIBLE
    assert [item.name for item in answer.conflict] == ["group g required"]


def reasons_case() -> PortfolioProblem:
    return PortfolioProblem(
        options=(
            Option("M", 6, {2018: 30, 2019: 0}, mandatory=True),
            Option("P", 4, {2018: 20, 2019: 0}),
            Option("B", 60, {2018: 20, 2019: 0}, requires=("P",)),
            Option("G1", 60, {2018: 0, 2019: 40}, group="G"),
            Option("G2", 55, {2018: 0, 2019: 50}, group="G"),
            Option("Q", 70, {2018: 0, 2019: 50}),
            Option("Y", 105, {2018: 0, 2019: 70}),
            Option("L", 25, {2018: 50, 2019: 0}),
            Option("X", 500, {2018: 1, 2019: 0}, excluded=True),
            Option("N", -5, {2018: 1, 2019: 0}),
        ),
        budget=Budget(by_year={2018: 100, 2019: 100}),
        settings=SolveSettings(marginal_step=0.1),
    )


def test_each_option_says_why_it_is_in_or_out() -> None:
    answer = optimise(reasons_case())
    assert answer.status is Status.OPTIMAL
    assert set(answer.selected) == {"M", "P", "B", "G1", "Q"}
    assert answer.total_value == 200
    assert answer.cost_by_year == {2018: 70, 2019: 90}
    assert answer.funding_line == 1.4  # Q: 70 for 50
    reasons = by_id(answer)
    codes = {option_id: r.reason for option_id, r in reasons.items()}
    assert codes == {
        "M": ReasonCode.MANDATORY,
        "P": ReasonCode.REQUIRED_BY_SELECTED,
        "B": ReasonCode.ABOVE_LINE,
        "G1": ReasonCode.ABOVE_LINE,
        "G2": ReasonCode.BETTER_ALTERNATIVE,
        "Q": ReasonCode.ABOVE_LINE,
        "Y": ReasonCode.BREAKS_BUDGET_YEAR,
        "L": ReasonCode.BELOW_LINE,
        "X": ReasonCode.EXCLUDED,
        "N": ReasonCode.NO_VALUE,
    }
    assert reasons["P"].detail == "Required by B, which is funded; its own value per pound is 0.2"
    # Y is worth 1.5 a pound, above the line, but needs 70 in 2019 with 10 left.
    assert reasons["Y"].detail == (
        "It would break the 2019 budget (it needs £70 in 2019, £10 is left)"
    )
    assert reasons["L"].value_per_pound == 0.5
    assert "below the funding line of 1.4" in reasons["L"].detail
    assert "2018 budget" in reasons["L"].detail
    # Forced in, Y leaves no room for G1 or Q in 2019: 70 + 105.
    assert reasons["Y"].value_if_flipped == 175
    assert reasons["Y"].flip_status is Status.OPTIMAL
    # Forced out, Q's place goes to Y: the same 175.
    assert reasons["Q"].value_if_flipped == 175
    assert reasons["M"].value_if_flipped is None
    assert [b.name for b in answer.binding] == ["budget 2018", "budget 2019", "group G"]
    assert [b.slack for b in answer.binding] == [30, 10, 0]


def test_marginal_values_and_the_frontier_come_from_solving_again() -> None:
    answer = optimise(reasons_case())
    marginal = {m.year: m for m in answer.marginal_values}
    assert set(marginal) == {2018, 2019}
    # 10 more in 2019 makes room for Y beside G1 (165 for 2019 against 130); 10 more in 2018
    # does not fit L.
    assert (marginal[2019].step, marginal[2019].value_gained) == (10, 35)
    assert (marginal[2018].step, marginal[2018].value_gained) == (10, 0)
    assert all(m.status is Status.OPTIMAL for m in answer.marginal_values)
    shares = [p.share for p in answer.frontier]
    assert shares == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5]
    values = [p.value for p in answer.frontier]
    assert values == sorted(values)
    at_one = answer.frontier[5]
    assert (at_one.value, at_one.envelope, at_one.total_cost) == (200, 200, 160)
    assert answer.frontier[0].envelope == 100
    assert answer.solver.explanations_complete


def test_a_negative_value_is_funded_only_when_forced() -> None:
    problem = PortfolioProblem(
        options=(
            Option("loss", -10, 5),
            Option("gain", 20, 5),
            Option("needs loss", 30, 5, requires=("loss",)),
        ),
        budget=Budget(total=100),
    )
    answer = optimise(problem)
    # "needs loss" is worth 30 with the 10 lost by its prerequisite: in, both.
    assert set(answer.selected) == {"loss", "gain", "needs loss"}
    assert answer.total_value == 40
    alone = optimise(PortfolioProblem(options=problem.options[:2], budget=problem.budget))
    assert alone.selected == ("gain",)
    assert by_id(alone)["loss"].reason is ReasonCode.NO_VALUE


def test_a_share_limit_caps_a_programme_area() -> None:
    options = (
        Option("c1", 100, 40, programme_area="cancer"),
        Option("c2", 90, 40, programme_area="cancer"),
        Option("m1", 50, 40, programme_area="mental health"),
    )
    # All three fit 120, but cancer may take only half of it (60).
    capped = PortfolioProblem(
        options,
        Budget(total=120),
        shares=(ShareLimit(ShareDimension.PROGRAMME_AREA, "cancer", max_share=0.5),),
    )
    answer = optimise(capped)
    assert answer.selected == ("c1", "m1")
    reasons = by_id(answer)
    assert reasons["c2"].reason is ReasonCode.BREAKS_SHARE_LIMIT
    assert reasons["c2"].detail == (
        "It would break the share programme_area cancer max limit (it needs £40, £20 is left)"
    )
    assert [(b.name, b.slack) for b in answer.binding] == [("share programme_area cancer max", 20)]
    assert optimise(PortfolioProblem(options, Budget(total=100))).selected == ("c1", "c2")
    # Mental health must take at least 40% of 100: m1 is in for that, not for its value.
    floor = PortfolioProblem(
        options,
        Budget(total=100),
        shares=(ShareLimit(ShareDimension.PROGRAMME_AREA, "mental health", min_share=0.4),),
    )
    answer = optimise(floor)
    assert answer.selected == ("c1", "m1")
    assert by_id(answer)["m1"].reason is ReasonCode.NEEDED_FOR_SHARE
    assert "share programme_area mental health min" in [b.name for b in answer.binding]


def test_a_gap_tolerance_is_stated_in_the_answer() -> None:
    problem = PortfolioProblem(
        options=(Option("A", 90, 100), Option("B", 50, 50), Option("C", 45, 50)),
        budget=Budget(total=100),
        settings=SolveSettings(gap_tolerance=0.05),
    )
    answer = optimise(problem)
    assert answer.gap_tolerance == 0.05
    assert answer.status is Status.OPTIMAL
    assert answer.gap is not None and answer.gap <= 0.05


def test_no_options_is_an_empty_optimal_portfolio() -> None:
    answer = optimise(PortfolioProblem(options=(), budget=Budget(total=100)))
    assert (answer.status, answer.selected, answer.total_value) == (Status.OPTIMAL, (), 0)


def test_pounds_and_pence_that_add_up_to_the_budget_fit() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary: it must still fit a budget of 0.30.
    problem = PortfolioProblem(
        options=(Option("a", 1, 0.1), Option("b", 1, 0.2)), budget=Budget(total=0.3)
    )
    assert optimise(problem).selected == ("a", "b")


@pytest.mark.parametrize("explain", [True, False])
def test_without_explanations_the_main_answer_and_binding_stand(explain: bool) -> None:
    problem = reasons_case()
    answer = optimise(
        PortfolioProblem(problem.options, problem.budget, settings=SolveSettings(explain=explain))
    )
    assert answer.total_value == 200
    assert [b.name for b in answer.binding] == ["budget 2018", "budget 2019", "group G"]
    assert bool(answer.reasons) is explain
    assert bool(answer.frontier) is explain
    assert answer.solver.explanations_complete
