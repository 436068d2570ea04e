"""Portfolio selection: the stateless optimisation, and a round's stored portfolio runs."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from app.compute_pool import ComputeSlotDep
from app.deps import IdempotencyDep, PrincipalDep, SessionDep, reads_only
from app.problems import problem_responses
from app.schemas.portfolio import (
    OptimiseRequest,
    PortfolioOut,
    PortfolioRunOut,
    RoundPortfolioCreate,
)
from app.services.portfolio import PortfolioService, optimise
from app.strict_route import StrictRoute

# 503: every computation slot is busy (README "Limits").
router = APIRouter(route_class=StrictRoute, tags=["portfolio"], responses=problem_responses(503))


@router.post("/portfolio/optimise", dependencies=[Depends(reads_only)])
def optimise_portfolio(
    data: OptimiseRequest, principal: PrincipalDep, _: ComputeSlotDep
) -> PortfolioOut:
    """Choose the best portfolio of options within a budget.

    Exact selection (integer programming, SPEC 4.7): the options with the greatest total
    `value` whose cost fits the budget (its total and each of its years), at most one per
    `group`, each with the options it `requires`, mandatory ones in and excluded ones out,
    within any share limits. `objective` is a label: whatever it says, the options' `value`
    is what is maximised. `status` is `optimal` only when proven (within `gap_tolerance`),
    `time_limit` when the search was stopped at `time_limit` seconds with the best selection
    found, and `infeasible` (still 200) when no selection meets the constraints, `conflict`
    naming why. The answer says which constraints bind, what more budget would buy, the value
    at other budgets, why each option is in or out, and what choosing by value per pound
    would have funded. Any authenticated caller may optimise; nothing is stored.
    """
    return PortfolioOut.of(optimise(data))


@router.post(
    "/rounds/{round_id}/portfolio",
    status_code=status.HTTP_201_CREATED,
    response_model=PortfolioRunOut,
    responses=problem_responses(409),
)
def run_round_portfolio(
    round_id: uuid.UUID,
    data: RoundPortfolioCreate,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
    _: ComputeSlotDep,
) -> PortfolioRunOut | JSONResponse:
    """Choose a closed round's funded portfolio within its envelope.

    The round's chair (only: administrators and every other role get 403) selects among its
    bids under assessment, exactly as `POST /v1/portfolio/optimise` does: each bid's cost is
    its requested funding by financial year (a bid that states none: its requested funding in
    the round's base year), its value its value score in the ranking, or its appraisal
    snapshot's NPSV or discounted QALYs (`objective`); bids without one are left out and
    listed in `unranked`. The budget is the round's envelope (409 when it has none), its
    total and each of its years. The run is stored as it was solved, never changed; a
    decision may name it. 409 unless the round is closed. Send `Idempotency-Key` to make
    retries safe.
    """
    service = PortfolioService(session, principal)
    round_ = service.round_to_optimise(round_id)
    if replayed := idempotency.replay():
        return replayed
    run = PortfolioRunOut.of_run(service.run(round_, data))
    idempotency.record(status.HTTP_201_CREATED, run)
    return run


@router.get("/rounds/{round_id}/portfolios/{portfolio_id}")
def get_round_portfolio(
    round_id: uuid.UUID, portfolio_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> PortfolioRunOut:
    """Read a stored portfolio run.

    The run exactly as it was answered, with the bids it left out. The round's chair and
    administrators read it; other roles that see the round may not (403).
    """
    return PortfolioRunOut.of_run(PortfolioService(session, principal).get(round_id, portfolio_id))
