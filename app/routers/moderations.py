"""The chair's moderated scores of a round's bids."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.common import Page
from app.schemas.moderations import ModerationCreate, ModerationRead
from app.services.conflicts import panel_round
from app.services.moderations import ModerationService, ReadModeration
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["moderations"], responses=problem_responses()
)


def moderation_read(item: ReadModeration) -> ModerationRead:
    row = item.row
    return ModerationRead(
        id=row.id,
        round_id=row.round_id,
        bid_id=row.bid_id,
        account_id=row.account_id if item.named else None,
        account_name=item.account_name if item.named else None,
        weighted_score=row.score,
        reason=row.reason,
        criteria_version=row.criteria_version,
        created_at=row.created_at,
        superseded_at=row.superseded_at,
    )


@router.post(
    "/{round_id}/moderations",
    status_code=status.HTTP_201_CREATED,
    response_model=ModerationRead,
    responses=problem_responses(409),
)
def moderate_bid(
    round_id: uuid.UUID,
    data: ModerationCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> ModerationRead | JSONResponse:
    """Moderate a bid's score.

    The round's chair sets a bid's weighted score, on the framework's weighted scale, with
    its reason, while the round is closed and once at least one assessment of the bid
    counts. It is stored beside the assessors' scores, never over them; a new moderation
    supersedes the last, which stays in the history. Send `Idempotency-Key` to make retries
    safe.
    """
    round_ = panel_round(session, principal, round_id)
    if replayed := idempotency.replay():
        return replayed
    created = moderation_read(ModerationService(session, principal).moderate(round_, data))
    idempotency.record(status.HTTP_201_CREATED, created, response)
    return created


@router.get("/{round_id}/moderations")
def list_moderations(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    bid_id: Annotated[uuid.UUID | None, Query(description="Only this bid's.")] = None,
    include_history: Annotated[
        bool, Query(description="Also the moderations later ones superseded.")
    ] = False,
) -> Page[ModerationRead]:
    """List moderations.

    The round's chair and administrators see every moderation, with who made it; a
    programme office sees its own bids' once the round is decided, without names. Oldest
    first; only current moderations unless `include_history`.
    """
    round_ = panel_round(session, principal, round_id)
    rows, fetched = ModerationService(session, principal).page(
        round_, page.window, bid_id=bid_id, include_history=include_history
    )
    items = [moderation_read(r) for r in rows]
    return page.answer(items, fetched)
