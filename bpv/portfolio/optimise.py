"""The optimal funded set, and then why: the work in stages, so that a caller that must stop at
a deadline keeps what is done (the main answer first, then each explanation)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from bpv.portfolio.answer import (
    AnswerPart,
    FoundBy,
    GreedyComparison,
    OptionReason,
    PortfolioAnswer,
    ReasonCode,
    SolverInfo,
    Status,
)
from bpv.portfolio.conflict import smallest_conflict
from bpv.portfolio.deadline import Deadline
from bpv.portfolio.explanation import explain, nearest_the_line
from bpv.portfolio.formulation import Formulation, Selection
from bpv.portfolio.greedy import greedy_selection, value_per_pound, with_greedy_fallback
from bpv.portfolio.problem import PortfolioProblem
from bpv.portfolio.sensitivity import (
    Resolver,
    flipped_values,
    frontier,
    marginal_values,
    planned_solves,
)
from bpv.portfolio.solver import (
    SOLVER_NAME,
    solve,
    solver_version,
)

MAIN_SHARE = 0.8
"""Of the time left, what the main solve (and, when infeasible, the conflict search) may use
when explanations are asked for; the re-solves that explain share the rest."""

Stage = PortfolioAnswer | AnswerPart


def optimise(problem: PortfolioProblem) -> PortfolioAnswer:
    """The best funded set, in this process. HiGHS is asked to stop at the time limit, but its
    presolve has been seen to run on for minutes: a caller that must answer by a deadline
    (a web request) calls `optimise_within_deadline`."""
    problem.validate()
    answer: PortfolioAnswer | None = None
    for stage in answer_in_stages(problem, Deadline.after(problem.settings.time_limit)):
        answer = fold(answer, stage)
    assert answer is not None
    return answer


def fold(answer: PortfolioAnswer | None, stage: Stage) -> PortfolioAnswer:
    if isinstance(stage, PortfolioAnswer):
        return stage
    assert answer is not None, "an explanation came before the answer"
    return stage.applied_to(answer)


def greedy_comparison(
    formulation: Formulation, greedy: Selection, answer_value: float | None
) -> GreedyComparison:
    feasible = not formulation.broken(greedy)
    value = formulation.value(greedy)
    gain = answer_value - value if feasible and answer_value is not None else None
    return GreedyComparison(
        formulation.selected_ids(greedy), value, gain, feasible, formulation.cost(greedy)
    )


def build_answer(
    formulation: Formulation,
    *,
    status: Status,
    selection: Selection,
    gap: float | None,
    greedy: Selection,
    found_by: FoundBy,
    elapsed: float,
) -> PortfolioAnswer:
    """The main answer, before any explanation."""
    f = formulation
    settings = f.problem.settings
    has_set = status is not Status.INFEASIBLE and found_by != "none"
    value = f.value(selection)
    return PortfolioAnswer(
        status=status,
        selected=f.selected_ids(selection),
        total_value=value,
        total_cost=f.cost(selection),
        cost_by_year=f.cost_by_year(selection),
        gap=gap,
        gap_tolerance=settings.gap_tolerance,
        binding=(),
        marginal_values=(),
        frontier=(),
        reasons=(),
        greedy=greedy_comparison(f, greedy, value if has_set else None),
        conflict=(),
        solver=SolverInfo(
            name=SOLVER_NAME,
            version=solver_version(),
            time_limit=settings.time_limit,
            elapsed_seconds=elapsed,
            stopped_from_outside=False,
            explanations_complete=False,
            best_found_by=found_by,
        ),
        envelope=f.envelope,
    )


def greedy_answer(formulation: Formulation, greedy: Selection, elapsed: float) -> PortfolioAnswer:
    """What to answer when the solver has nothing: the greedy set if it is feasible (nothing
    bounds how far it is from the best), else no set."""
    feasible = not formulation.broken(greedy)
    return build_answer(
        formulation,
        status=Status.TIME_LIMIT,
        selection=greedy if feasible else np.zeros(formulation.size, dtype=bool),
        gap=None,
        greedy=greedy,
        found_by="greedy" if feasible else "none",
        elapsed=elapsed,
    )


def answer_in_stages(problem: PortfolioProblem, deadline: Deadline) -> Iterator[Stage]:
    """The main answer as soon as it is known, then explanation parts, the last `finished`.
    The problem must be valid."""
    started = time.monotonic()
    settings = problem.settings
    f = Formulation(problem)
    greedy = greedy_selection(f)
    main_share = MAIN_SHARE if settings.explain else 1.0
    main = solve(
        f,
        f.limits(),
        time_limit=deadline.remaining() * main_share,
        gap_tolerance=settings.gap_tolerance,
    )
    best, found_by = with_greedy_fallback(f, main, f.limits(), greedy)
    status, gap = best.status, best.gap
    selection = best.selection if best.selection is not None else np.zeros(f.size, dtype=bool)
    answer = build_answer(
        f,
        status=status,
        selection=selection,
        gap=gap,
        greedy=greedy,
        found_by=found_by,
        elapsed=time.monotonic() - started,
    )
    yield answer
    if status is Status.INFEASIBLE:
        search = Deadline.after(deadline.remaining() * main_share)
        conflict, minimal = smallest_conflict(f, search)
        part = AnswerPart(conflict=conflict, conflict_minimal=minimal)
        answer = part.applied_to(answer)
        yield part

    has_set = status is not Status.INFEASIBLE and found_by != "none"
    line = None
    if has_set:
        explained = explain(f, selection, f.limits(), proven=status is Status.OPTIMAL)
        line = explained.funding_line
        if settings.explain:
            yield AnswerPart(
                binding=explained.binding,
                reasons=explained.reasons,
                funding_line=line,
            )
        else:
            yield AnswerPart(binding=explained.binding)
    elif settings.explain:
        yield AnswerPart(reasons=_no_portfolio_reasons(f, answer), funding_line=None)
    if not settings.explain:
        yield AnswerPart(finished=True, complete=True, elapsed_seconds=time.monotonic() - started)
        return

    near = nearest_the_line(f, selection, line, settings.near_line) if has_set else []
    resolver = Resolver(
        f,
        deadline,
        settings.gap_tolerance,
        planned_solves(f, settings.frontier, len(near)),
    )
    value = answer.total_value if has_set else None
    yield AnswerPart(
        marginal_values=marginal_values(resolver, status, value, settings.marginal_step)
    )
    cost = answer.total_cost if has_set else None
    yield AnswerPart(frontier=frontier(resolver, settings.frontier, (status, value, cost)))
    if near:
        yield AnswerPart(flips=flipped_values(resolver, selection, near))
    yield AnswerPart(
        finished=True,
        complete=resolver.skipped == 0,
        elapsed_seconds=time.monotonic() - started,
    )


def _no_portfolio_reasons(f: Formulation, answer: PortfolioAnswer) -> tuple[OptionReason, ...]:
    ratio = value_per_pound(f)
    in_conflict = {option_id for item in answer.conflict for option_id in item.option_ids}
    reasons = []
    for i, option_id in enumerate(f.ids):
        if answer.status is Status.INFEASIBLE:
            code = ReasonCode.NO_FEASIBLE_PORTFOLIO
            detail = "No portfolio meets every constraint"
            if option_id in in_conflict:
                detail += "; this option is named in the conflict"
        else:
            code = ReasonCode.NOT_REACHED
            detail = "No portfolio meeting every constraint was found in time"
        per_pound = float(ratio[i]) if f.total_costs[i] > 0 else None
        reasons.append(OptionReason(option_id, False, code, detail, per_pound))
    return tuple(reasons)
