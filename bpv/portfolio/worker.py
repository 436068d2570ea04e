"""An answer by the deadline whatever the solver does: the work runs in a worker process that
is terminated when time is up.

HiGHS keeps to its own time limit only between steps, and a step can run far past it (its
presolve ran 158 s on a one-budget knapsack of 100,000 options given 10 s). So the worker sends
each stage through a pipe as it is done - the main answer as soon as it is known, then each
explanation - and the parent keeps the latest. At the deadline the parent terminates the
worker: killed while explaining, the answer keeps its main result and says the explanations
are incomplete; killed before the main result, it answers the greedy set (found here, in the
parent, while the worker starts) with status `time_limit`, no gap, `best_found_by="greedy"`.
Either way `stopped_from_outside` is True.

Timing: the answer is due `time_limit` seconds after the call. The worker is terminated
`RESERVE_SECONDS` before that if it has not finished, which leaves time to stop it and build the
answer; the work itself aims `GRACE_SECONDS` earlier still, so that a worker that keeps to its
deadline can send what it has before it is stopped. (For a limit under a few seconds both
shrink to a share of it.) Workers fork from a "forkserver"
(spawned where there is none) that has already imported numpy and scipy: a worker starts in
tens of milliseconds, but the first call in a process also starts the server (a fresh Python
importing scipy, about a second on a slow machine) - call `start_worker_server()` at start-up
to pay that before the first request.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, Literal

from bpv.portfolio.answer import AnswerPart, PortfolioAnswer
from bpv.portfolio.deadline import Deadline
from bpv.portfolio.formulation import Formulation
from bpv.portfolio.greedy import greedy_selection
from bpv.portfolio.inputs import Budget
from bpv.portfolio.optimise import answer_in_stages, fold, greedy_answer
from bpv.portfolio.problem import PortfolioProblem

GRACE_SECONDS = 0.25
"""How long before it is terminated a worker's work is due: time for it to send what it has
(and for HiGHS to notice its own limit)."""
RESERVE_SECONDS = 0.25
"""How long before the answer is due the worker is terminated: time to stop it and to build
the answer from the greedy set or the last stage received (about 0.1 s for 100,000 options)."""
MAX_MARGIN_SHARE = 0.2
"""Neither margin takes more than this share of a short time limit."""
TERMINATE_WAIT_SECONDS = 1.0
_PRELOAD = ["__main__", "bpv.portfolio.worker"]
"""The server imports the main module once, so that each worker need not (multiprocessing runs
it again in every child it has not been imported in): like every multiprocessing program, the
main module must guard its entry point with `if __name__ == "__main__"`."""


class WorkerFailed(RuntimeError):
    """The worker process failed or ended before sending a main answer: a fault, not an
    answer (the web shell answers it as a server error)."""


def _context() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_worker_server() -> float:
    """Start the process workers fork from, and wait until it has imported numpy and scipy, so
    that the first request does not pay for it; returns the seconds it took. (Where workers
    are spawned afresh, each pays for its own imports and this only times one.)"""
    started = time.monotonic()
    process = _context().Process(target=_ready, daemon=True)  # type: ignore[attr-defined]
    process.start()
    process.join()
    return time.monotonic() - started


def _ready() -> None:
    """A worker that does nothing: starting one proves the server ready."""


def optimise_within_deadline(problem: PortfolioProblem) -> PortfolioAnswer:
    """Like `optimise`, but in a worker process that is terminated before the deadline, so the
    answer comes back by `settings.time_limit` (see the module's notes).

    Raises `InvalidInput` (here, before any process starts) for a malformed problem, and
    `WorkerFailed` if the worker breaks down before its main answer."""
    started = time.monotonic()
    problem.validate()
    limit = problem.settings.time_limit
    stop_at = started + limit - min(RESERVE_SECONDS, MAX_MARGIN_SHARE * limit)
    work_deadline = Deadline(stop_at - min(GRACE_SECONDS, MAX_MARGIN_SHARE * limit))
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]
        target=_work, args=(_plain(problem), work_deadline, sender), daemon=True
    )
    process.start()
    sender.close()
    try:
        # While the worker starts: the set to answer if it has none by the deadline.
        formulation = Formulation(problem)
        greedy = greedy_selection(formulation)
        answer, outcome = _receive(receiver, stop_at)
    finally:
        _stop(process)
        receiver.close()
    if isinstance(outcome, BaseException):
        raise WorkerFailed(f"the portfolio worker failed: {outcome}") from outcome
    if answer is None:
        if outcome == "ended":
            raise WorkerFailed(f"the portfolio worker ended with exit code {process.exitcode}")
        answer = greedy_answer(formulation, greedy, 0.0)
    finished = outcome == "finished"
    solver = dataclasses.replace(
        answer.solver,
        stopped_from_outside=not finished,
        explanations_complete=finished and answer.solver.explanations_complete,
        elapsed_seconds=time.monotonic() - started,
    )
    return dataclasses.replace(answer, solver=solver)


Outcome = Literal["finished", "deadline", "ended"] | BaseException


def _receive(receiver: Connection, stop_at: float) -> tuple[PortfolioAnswer | None, Outcome]:
    """The latest answer by `stop_at`, and how the wait ended: the worker finished, the
    deadline came, the worker ended without finishing, or it reported a failure."""
    answer: PortfolioAnswer | None = None
    while True:
        wait = stop_at - time.monotonic()
        if wait <= 0 or not receiver.poll(wait):
            return answer, "deadline"
        try:
            stage = receiver.recv()
        except EOFError:
            return answer, "ended"
        if isinstance(stage, BaseException):
            return answer, stage
        answer = fold(answer, stage)
        if isinstance(stage, AnswerPart) and stage.finished:
            return answer, "finished"


def _stop(process: Any) -> None:
    process.join(timeout=0)
    if process.is_alive():
        process.terminate()
        process.join(TERMINATE_WAIT_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()


def _work(problem: PortfolioProblem, deadline: Deadline, sender: Connection) -> None:
    # HiGHS prints stray debugging lines on standard output; they are no one's to read.
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        for stage in answer_in_stages(problem, deadline):
            sender.send(stage)
    except Exception as error:
        sender.send(WorkerFailed(f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def _plain(problem: PortfolioProblem) -> PortfolioProblem:
    """The problem with plain dicts for its mappings, which any mapping a caller used may not
    be (a MappingProxyType does not pickle)."""

    options = tuple(
        dataclasses.replace(o, cost=dict(o.cost)) if isinstance(o.cost, Mapping) else o
        for o in problem.options
    )
    budget = Budget(problem.budget.total, dict(problem.budget.by_year))
    return dataclasses.replace(problem, options=options, budget=budget)
