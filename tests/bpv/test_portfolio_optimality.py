"""The solver's portfolio is the best there is: on random small portfolios it matches trying
every subset, and when none is feasible the conflict it names cannot hold on its own."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bpv.portfolio import (
    Budget,
    Option,
    PortfolioAnswer,
    PortfolioProblem,
    ShareDimension,
    ShareLimit,
    SolveSettings,
    Status,
    optimise,
)
from tests.bpv.portfolio_enumeration import best_value, feasible

AREAS = ("cancer", "mental health")
QUICK = SolveSettings(explain=False)


@st.composite
def portfolios(draw: st.DrawFn, mandatory_chance: int = 10) -> PortfolioProblem:
    """Up to 12 options over 2-3 years, with groups, acyclic dependencies (an option requires
    only earlier ones), mandatory and excluded flags; sometimes a total budget, a required
    group and a share limit."""
    n = draw(st.integers(1, 12))
    years = list(range(2018, 2018 + draw(st.integers(2, 3))))
    options: list[Option] = []
    for i in range(n):
        flag = draw(st.sampled_from(["free"] * mandatory_chance + ["mandatory", "excluded"]))
        options.append(
            Option(
                id=f"o{i}",
                value=draw(st.integers(-10, 100)),
                cost={year: draw(st.integers(0, 30)) for year in years},
                group=draw(st.sampled_from([None, None, "g0", "g1", "g2"])),
                requires=tuple(
                    sorted(draw(st.sets(st.sampled_from([o.id for o in options]), max_size=2)))
                )
                if options
                else (),
                mandatory=flag == "mandatory",
                excluded=flag == "excluded",
                programme_area=draw(st.sampled_from(AREAS)),
            )
        )
    total = draw(st.one_of(st.none(), st.integers(20, 250)))
    budget = Budget(total, {year: draw(st.integers(10, 120)) for year in years})
    used_groups = sorted({o.group for o in options if o.group is not None})
    required = (
        draw(st.lists(st.sampled_from(used_groups), unique=True, max_size=1)) if used_groups else []
    )
    shares: tuple[ShareLimit, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        low = draw(st.sampled_from([None, 0.1, 0.3]))
        high = draw(st.sampled_from([None, 0.4, 0.6] if low is not None else [0.4, 0.6]))
        shares = (ShareLimit(ShareDimension.PROGRAMME_AREA, "cancer", low, high),)
    return PortfolioProblem(tuple(options), budget, shares, QUICK, tuple(required))


def mandatory_with_needs(problem: PortfolioProblem) -> set[str]:
    requires = {o.id: o.requires for o in problem.options}
    found: set[str] = set()
    stack = [o.id for o in problem.options if o.mandatory]
    while stack:
        option_id = stack.pop()
        if option_id not in found:
            found.add(option_id)
            stack.extend(requires[option_id])
    return found


def check_against_enumeration(problem: PortfolioProblem, answer: PortfolioAnswer) -> None:
    event(answer.status.value)
    best = best_value(problem)
    if best is None:
        assert answer.status is Status.INFEASIBLE
        assert answer.selected == ()
        names = {item.name for item in answer.conflict}
        assert names and best_value(problem, only=names) is None
        event(f"conflict of {len(names)}{'' if answer.conflict_minimal else ', not minimal'}")
        if answer.conflict_minimal:
            for name in names:
                assert best_value(problem, only=names - {name}) is not None, name
        return
    assert answer.status is Status.OPTIMAL
    assert answer.gap == 0.0
    assert answer.total_value == best
    assert feasible(problem, answer.selected)
    values = {o.id: o.value for o in problem.options}
    assert answer.total_value == sum(values[i] for i in answer.selected)
    greedy = answer.greedy
    assert greedy.feasible == feasible(problem, greedy.selected)
    if not problem.required_groups and all(s.min_share is None for s in problem.shares):
        # Only a minimum can defeat the ranking: it funds down the list what still fits.
        assert greedy.feasible == feasible(problem, mandatory_with_needs(problem))
    if greedy.feasible:
        assert greedy.total_value <= best
        assert greedy.optimum_gain == best - greedy.total_value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_the_optimum_is_the_best_subset(problem: PortfolioProblem) -> None:
    check_against_enumeration(problem, optimise(problem))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(mandatory_chance=1))
def test_with_many_mandatory_options_infeasibility_is_exact_and_its_conflict_holds(
    problem: PortfolioProblem,
) -> None:
    check_against_enumeration(problem, optimise(problem))
