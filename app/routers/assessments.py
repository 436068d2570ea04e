"""Assessors' scores of a round's bids, and their history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.assessments import AssessmentCreate, AssessmentRead, ScoreRead
from app.schemas.common import Page
from app.services.assessments import AssessmentService, ReadAssessment
from app.services.conflicts import panel_round
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["assessments"], responses=problem_responses()
)


def assessment_read(item: ReadAssessment) -> AssessmentRead:
    row, withdrawal = item.row, item.withdrawal
    return AssessmentRead(
        id=row.id,
        round_id=row.round_id,
        bid_id=row.bid_id,
        bid_version=row.bid_version,
        account_id=row.account_id if item.named else None,
        account_name=item.account_name if item.named else None,
        criteria_version=row.criteria_version,
        scores=[
            ScoreRead(criterion=s.criterion, score=s.score, comment=s.comment) for s in row.scores
        ],
        created_at=row.created_at,
        superseded_at=row.superseded_at,
        withdrawn=withdrawal is not None,
        # Where the assessors are not named, neither is what they declared.
        withdrawn_reason=None if withdrawal is None else withdrawal.reason(disclose=item.named),
    )


@router.post(
    "/{round_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssessmentRead,
    responses=problem_responses(409),
)
def score_bid(
    round_id: uuid.UUID,
    data: AssessmentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> AssessmentRead | JSONResponse:
    """Score a bid.

    An assessor of the round scores a bid under assessment, while the round is closed: one
    score for every assessor-scored criterion of the round's framework, each on its own
    scale. Scoring the bid again supersedes the assessor's current scores, which stay in
    the history. Send `Idempotency-Key` to make retries safe.
    """
    round_ = panel_round(session, principal, round_id)
    if replayed := idempotency.replay():
        return replayed
    created = assessment_read(AssessmentService(session, principal).score(round_, data))
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("/{round_id}/assessments")
def list_assessments(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    bid_id: Annotated[uuid.UUID | None, Query(description="Only this bid's.")] = None,
    include_history: Annotated[
        bool, Query(description="Also the scores later re-scores superseded.")
    ] = False,
) -> Page[AssessmentRead]:
    """List assessments.

    An assessor sees its own; the round's chair and administrators see every assessor's,
    named. A programme office sees its own bids' assessments once the round is decided,
    without the assessors' names. Scores withdrawn by a conflict of interest are listed,
    marked `withdrawn`. Oldest first; only current scores unless `include_history`.
    """
    round_ = panel_round(session, principal, round_id)
    rows, fetched = AssessmentService(session, principal).page(
        round_, page.window, bid_id=bid_id, include_history=include_history
    )
    items = [assessment_read(r) for r in rows]
    return page.answer(items, fetched)
