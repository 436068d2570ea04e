"""The round page: the ranking with rank ranges and the funding line, the value-for-money chart
and the moderation flags; the chair's forms record moderated scores, run the portfolio and
record decisions, through the services the API's routers call, under the same rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth import Principal
from app.compute_pool import ComputeSlotDep
from app.deps import SessionDep
from app.problems import Conflict, Forbidden, ValidationFailed
from app.repositories.bid_answers import BidFilters
from app.repositories.pages import Window
from app.routers.ranking import DEFAULT_STABILITY
from app.schemas.decisions import MAX_DECISIONS, DecisionsCreate, Outcome
from app.schemas.keys import Role
from app.schemas.moderations import ModerationCreate
from app.schemas.portfolio import RoundObjective, RoundPortfolioCreate
from app.schemas.ranking import RankingOut
from app.services.bids import BidService
from app.services.conflicts import panel_round
from app.services.decisions import DecisionService
from app.services.moderations import ModerationService
from app.services.portfolio import PortfolioService
from app.services.ranking import RANKED_ROUNDS, RankingService, envelope_total
from app.services.rounds import round_framework, round_read
from app.tables import Round
from app.web.csrf import CsrfFormDep
from app.web.session import PagePrincipalDep
from app.web.templating import render
from app.web.views.formats import number, pounds
from app.web.views.ranking import Selection, ranking_view
from bpv.errors import InvalidInput
from bpv.lifecycle import RoundStatus

router = APIRouter(include_in_schema=False)

PANEL_ROLES = frozenset({Role.ADMIN, Role.CHAIR, Role.ASSESSOR})
# The bids an assessor's list shows at most (a round's bids, seen through its scope).
ASSESSOR_LIST = 200
DONE = {
    "moderation": "The moderated score is recorded.",
    "portfolio": "The portfolio run is stored; its selection is highlighted below.",
    "decision": "The decision is recorded.",
}
OBJECTIVES = {
    RoundObjective.VALUE_SCORE: "Value score (the ranking's)",
    RoundObjective.NPSV: "NPSV from the appraisal",
    RoundObjective.QALYS: "Discounted QALYs from the appraisal",
}
OUTCOMES = {
    Outcome.APPROVED: "Approved",
    Outcome.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    Outcome.REJECTED: "Rejected",
}


@router.get("/rounds/{round_id}")
def round_page(
    request: Request,
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: ComputeSlotDep,
    done: str | None = None,
) -> Response:
    context = round_context(session, principal, round_id)
    return render(request, "round.html", {**context, "done": DONE.get(done or "")})


def round_context(session: Session, principal: Principal, round_id: uuid.UUID) -> dict[str, Any]:
    """Everything the page shows, read as the API reads it for this caller."""
    round_ = panel_round(session, principal, round_id)
    if principal.role not in PANEL_ROLES:
        raise Forbidden(
            "The round page is the panel's: "
            f"{principal.role.key_phrase} sees its bids on its own pages."
        )
    framework = round_framework(round_)
    context: dict[str, Any] = {
        "round": round_read(round_),
        "envelope": pounds(envelope_total(round_.envelope)),
        "weighted_scale": framework.weighted_scale,
        "criteria_names": {c.key: c.name for c in framework.criteria},
        "ranked": RoundStatus(round_.status) in RANKED_ROUNDS,
        "is_chair": principal.role is Role.CHAIR,
        "acts": principal.role is Role.CHAIR and round_.status == RoundStatus.CLOSED,
        "view": None,
        "bids": [],
        "objectives": OBJECTIVES,
        "outcomes": OUTCOMES,
        "errors": [],
        "form": {},
    }
    if principal.role is Role.ASSESSOR:
        bids = BidService(session, principal)
        seen = bids.bids.page(Window(ASSESSOR_LIST), BidFilters(round_id=round_.id)).rows
        context["bids"] = bids.read_many(seen)
        return context
    if not context["ranked"]:
        return context
    ranking = RankingOut.of(
        RankingService(session, principal).round_ranking(round_.id, DEFAULT_STABILITY)
    )
    records, _ = DecisionService(session, principal).page(round_.id, MAX_DECISIONS, 0)
    outcomes = {r.decision.bid_id: str(r.decision.outcome) for r in records}
    approved = {bid for bid, outcome in outcomes.items() if outcome != Outcome.REJECTED}
    latest = PortfolioService(session, principal).latest(round_.id)
    portfolio = None
    if latest is not None:
        portfolio = {uuid.UUID(bid_id) for bid_id in latest.answer.selected}
    label = "" if latest is None else f"the portfolio run of {latest.run.created_at:%d %B %Y %H:%M}"
    selection = Selection.of(ranking, portfolio, label, approved)
    view = ranking_view(ranking, selection, outcomes, context["criteria_names"])
    undecided = [row for row in view.rows if row.outcome is None]
    context.update(
        view=view,
        decisions=records,
        portfolio=latest,
        portfolio_value=None if latest is None else number(latest.answer.total_value, 3),
        portfolio_cost=None if latest is None else pounds(latest.answer.total_cost),
        undecided=undecided,
    )
    return context


FormValue = Annotated[str, Form()]


@router.post("/rounds/{round_id}/moderations")
def moderate(
    request: Request,
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: CsrfFormDep,
    slot: ComputeSlotDep,
    bid_id: FormValue = "",
    weighted_score: FormValue = "",
    reason: FormValue = "",
) -> Response:
    round_ = panel_round(session, principal, round_id)
    form = {"bid_id": bid_id, "weighted_score": weighted_score, "reason": reason}

    def act() -> None:
        data = ModerationCreate.model_validate(
            {
                "bid_id": bid_id,
                "weighted_score": _number(weighted_score, "weighted_score"),
                "reason": reason,
            }
        )
        ModerationService(session, principal).moderate(round_, data)

    return _submit(request, session, principal, round_, "moderation", form, act)


@router.post("/rounds/{round_id}/portfolio")
def run_portfolio(
    request: Request,
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: CsrfFormDep,
    slot: ComputeSlotDep,
    objective: FormValue = RoundObjective.VALUE_SCORE.value,
) -> Response:
    service = PortfolioService(session, principal)
    round_ = service.round_to_optimise(round_id)

    def act() -> None:
        service.run(round_, RoundPortfolioCreate.model_validate({"objective": objective}))

    return _submit(request, session, principal, round_, "portfolio", {"objective": objective}, act)


@router.post("/rounds/{round_id}/decisions")
def decide(
    request: Request,
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: CsrfFormDep,
    slot: ComputeSlotDep,
    bid_id: FormValue = "",
    outcome: FormValue = "",
    rationale: FormValue = "",
    conditions: FormValue = "",
    portfolio_id: FormValue = "",
) -> Response:
    service = DecisionService(session, principal)
    round_ = service.round_to_decide(round_id)
    form = {
        "bid_id": bid_id,
        "outcome": outcome,
        "rationale": rationale,
        "conditions": conditions,
        "portfolio_id": portfolio_id,
    }

    def act() -> None:
        listed = [line.strip() for line in conditions.splitlines() if line.strip()]
        item: dict[str, Any] = {"bid_id": bid_id, "outcome": outcome, "rationale": rationale}
        if listed:
            item["conditions"] = listed
        if portfolio_id:
            item["portfolio_id"] = portfolio_id
        service.record(round_, DecisionsCreate.model_validate({"decisions": [item]}))

    return _submit(request, session, principal, round_, "decision", form, act)


def _submit(
    request: Request,
    session: Session,
    principal: Principal,
    round_: Round,
    name: str,
    form: dict[str, str],
    act: Callable[[], None],
) -> Response:
    """Do `act` in a savepoint and go back to the round page; a refusal of the form's content
    (422) or of the round's state (409) shows the page again with the errors, nothing stored.
    Out of scope (404) and not the role's to do (403) answer as every page does."""
    try:
        with session.begin_nested():
            act()
    except ValidationError as error:
        return _again(request, session, principal, round_, name, form, _pydantic(error), 422)
    except InvalidInput as error:
        errors = [{"text": error.message, "field": (error.field or "").split(".")[-1]}]
        return _again(request, session, principal, round_, name, form, errors, 422)
    except (ValidationFailed, Conflict) as error:
        errors = [{"text": e.message, "field": e.field.split(".")[-1]} for e in error.errors]
        return _again(
            request,
            session,
            principal,
            round_,
            name,
            form,
            errors or [{"text": error.detail, "field": ""}],
            error.status,
        )
    return RedirectResponse(f"/app/rounds/{round_.id}?done={name}#{name}", status_code=303)


def _again(
    request: Request,
    session: Session,
    principal: Principal,
    round_: Round,
    name: str,
    form: dict[str, str],
    errors: list[dict[str, str]],
    status: int,
) -> Response:
    context = round_context(session, principal, round_.id)
    for error in errors:
        error["href"] = f"#{name}-{error['field'] or 'form'}"
    context.update(errors=errors, failed=name, form=form)
    return render(request, "round.html", context, status)


def _number(text: str, field: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput("enter a number, for example 3.25", field) from None


def _pydantic(error: ValidationError) -> list[dict[str, str]]:
    found = []
    for item in error.errors():
        location = [str(part) for part in item["loc"] if not isinstance(part, int)]
        field = location[-1] if location else ""
        found.append({"text": f"{field.replace('_', ' ')}: {item['msg']}", "field": field})
    return found
