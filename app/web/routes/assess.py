"""Assess (assessor): the round's bids the assessor may see (none it declared a conflict
for), scoring one against the round's criteria with comments, and declaring conflicts."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from app.auth import Principal
from app.deps import SessionDep
from app.problems import NotFound
from app.repositories.bid_answers import BidFilters
from app.repositories.bids import Bids
from app.repositories.pages import Window
from app.repositories.places import Footprints, Organisations
from app.schemas.assessments import AssessmentCreate, ScoreIn
from app.schemas.conflicts import ConflictCreate
from app.schemas.keys import Role
from app.services.assessments import AssessmentService, ReadAssessment
from app.services.bids import BidService
from app.services.conflicts import ConflictService, panel_round, require_role
from app.services.rounds import round_framework
from app.tables import Bid, Round
from app.web.csrf import CsrfFormDep
from app.web.forms import FormError, Refused, attempt, index_in
from app.web.session import PagePrincipalDep
from app.web.templating import render
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.scoring import Criterion, CriterionSource

router = APIRouter(prefix="/assess", include_in_schema=False)

# A round's bids, an assessor's conflicts and the places to declare them with, on one page.
MAX_ROWS = 200


@dataclass(frozen=True)
class BidToAssess:
    bid: Bid
    title: str
    footprint: str
    assessment: ReadAssessment | None

    @property
    def scorable(self) -> bool:
        return self.bid.status == BidStatus.UNDER_ASSESSMENT


def assessor_round(session: Session, principal: Principal) -> Round:
    """The assessor's round (403 for any other role: scoring is an assessor's own act)."""
    require_role(principal, Role.ASSESSOR, "score bids")
    assert principal.round_id is not None  # an assessor is scoped to its round
    return panel_round(session, principal, principal.round_id)


def assessor_criteria(round_: Round) -> list[Criterion]:
    return [c for c in round_framework(round_).criteria if c.source is CriterionSource.ASSESSOR]


def current_assessments(
    session: Session, principal: Principal, round_: Round, bid_id: uuid.UUID | None = None
) -> dict[uuid.UUID, ReadAssessment]:
    found, _ = AssessmentService(session, principal).page(round_, Window(MAX_ROWS), bid_id=bid_id)
    return {item.row.bid_id: item for item in found}


def assess_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    errors: list[FormError] | None = None,
    given: dict[str, str] | None = None,
) -> Response:
    round_ = assessor_round(session, principal)
    service = BidService(session, principal)
    listed = service.bids.page(Window(MAX_ROWS, with_total=True), BidFilters(round_id=round_.id))
    bids, total = listed.rows, listed.total
    versions = service.bids.current_versions(bids)
    footprints = Footprints(session).page(Window(MAX_ROWS)).rows
    organisations = Organisations(session).page(Window(MAX_ROWS)).rows
    names = {f.id: f.name for f in footprints}
    mine = current_assessments(session, principal, round_)
    conflicts, _ = ConflictService(session, principal).page(round_, Window(MAX_ROWS))
    context = {
        "round": round_,
        "scoring_open": round_.status == RoundStatus.CLOSED,
        "declaring_open": round_.status in (RoundStatus.OPEN, RoundStatus.CLOSED),
        "bids": [
            BidToAssess(
                bid, versions[bid.id].title, names.get(bid.footprint_id, ""), mine.get(bid.id)
            )
            for bid in bids
        ],
        "total": total,
        "conflicts": [c.row for c in conflicts],
        "footprints": footprints,
        "organisations": organisations,
        "place_names": names | {o.id: o.name for o in organisations},
        "scored": request.query_params.get("scored"),
        "declared": request.query_params.get("declared") == "true",
        "errors": errors or [],
        "given": given or {},
    }
    return render(request, "assess.html", context, 422 if errors else 200)


@router.get("")
def assess(request: Request, session: SessionDep, principal: PagePrincipalDep) -> Response:
    return assess_page(request, session, principal)


@router.post("/conflicts")
def declare_conflict(
    request: Request,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: CsrfFormDep,
    target: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    round_ = assessor_round(session, principal)
    kind, _sep, place = target.partition(":")
    given = {"target": target, "reason": reason}
    if kind not in ("footprint", "organisation"):
        errors = [FormError("target", "Select the footprint or organisation")]
        return assess_page(request, session, principal, errors=errors, given=given)
    try:
        attempt(
            session,
            lambda: ConflictService(session, principal).declare(
                round_, ConflictCreate.model_validate({f"{kind}_id": place, "reason": reason})
            ),
        )
    except Refused as refused:
        errors = [
            FormError("reason" if e.field == "reason" else "target", e.message)
            for e in refused.errors
        ]
        return assess_page(request, session, principal, errors=errors, given=given)
    return RedirectResponse("/app/assess?declared=true", status_code=303)


def bid_to_score(session: Session, principal: Principal, round_: Round, bid_id: uuid.UUID) -> Bid:
    """The round's bid if the assessor sees it, else 404 (a conflicted bid is not disclosed)."""
    bid = Bids(session, principal).get(bid_id)
    if bid is None or bid.round_id != round_.id:
        raise NotFound(f"No bid {bid_id} in this round.")
    return bid


def score_page(
    request: Request,
    session: Session,
    principal: Principal,
    bid_id: uuid.UUID,
    *,
    errors: list[FormError] | None = None,
    given: dict[str, str] | None = None,
) -> Response:
    round_ = assessor_round(session, principal)
    bid = bid_to_score(session, principal, round_, bid_id)
    version = BidService(session, principal).current(bid)
    current = current_assessments(session, principal, round_, bid.id).get(bid.id)
    if given is None:
        given = {}
        for score in current.row.scores if current else ():
            given[f"score-{score.criterion}"] = f"{score.score:g}"
            given[f"comment-{score.criterion}"] = score.comment or ""
    context = {
        "round": round_,
        "bid": bid,
        "version": version,
        "criteria": assessor_criteria(round_),
        "scoring_open": round_.status == RoundStatus.CLOSED
        and bid.status == BidStatus.UNDER_ASSESSMENT,
        "scored_before": current is not None,
        "errors": errors or [],
        "given": given,
    }
    return render(request, "score.html", context, 422 if errors else 200)


async def form_fields(request: Request) -> dict[str, str]:
    """Every text field of the posted form (the score form's names follow the criteria)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


@router.get("/{bid_id}")
def score_form(
    bid_id: uuid.UUID, request: Request, session: SessionDep, principal: PagePrincipalDep
) -> Response:
    return score_page(request, session, principal, bid_id)


@router.post("/{bid_id}")
def score_bid(
    bid_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: CsrfFormDep,
    fields: Annotated[dict[str, str], Depends(form_fields)],
) -> Response:
    round_ = assessor_round(session, principal)
    bid = bid_to_score(session, principal, round_, bid_id)
    criteria = assessor_criteria(round_)
    errors: list[FormError] = []
    scores: list[ScoreIn] = []
    for criterion in criteria:
        name = f"score-{criterion.key}"
        text = fields.get(name, "").strip()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            errors.append(FormError(name, f"Enter a score for {criterion.name} as a number"))
            continue
        comment = fields.get(f"comment-{criterion.key}", "").strip() or None
        scores.append(ScoreIn(criterion=criterion.key, score=value, comment=comment))
    if not errors:
        try:
            attempt(
                session,
                lambda: AssessmentService(session, principal).score(
                    round_, AssessmentCreate(bid_id=bid.id, scores=scores)
                ),
            )
        except Refused as refused:
            errors = [_score_error(e, criteria) for e in refused.errors]
    if errors:
        return score_page(request, session, principal, bid_id, errors=errors, given=fields)
    return RedirectResponse(f"/app/assess?scored={bid.id}", status_code=303)


def _score_error(error: FormError, criteria: list[Criterion]) -> FormError:
    """The service's error on the form field it concerns (`scores[1].score` → the second
    criterion's score; `scores[1].comment` → its comment)."""
    index = index_in(error.field, "scores")
    if index is None or index >= len(criteria):
        return FormError(f"score-{criteria[0].key}", error.message)
    part = "comment" if error.field.endswith(".comment") else "score"
    return FormError(f"{part}-{criteria[index].key}", error.message)
