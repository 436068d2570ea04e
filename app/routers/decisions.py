"""Decisions on a round's bids: recorded by its chair, immutable, readable and exportable."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse

from app.compute_pool import ComputeSlotDep
from app.deps import IdempotencyDep, PrincipalDep, SessionDep
from app.exports import ExportFormat, ExportFormatDep, export_responses, table_response
from app.problems import problem_responses
from app.schemas.common import Page
from app.schemas.decisions import (
    MAX_DECISIONS,
    DecisionRead,
    DecisionsCreate,
    DecisionsRecorded,
    decisions_table,
)
from app.services.decisions import DecisionService, discloses_others
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/rounds", tags=["decisions"], responses=problem_responses()
)


@router.post(
    "/{round_id}/decisions",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionsRecorded,
    responses=problem_responses(409, 503),
)
def record_decisions(
    round_id: uuid.UUID,
    data: DecisionsCreate,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency: IdempotencyDep,
    _: ComputeSlotDep,
) -> DecisionsRecorded | JSONResponse:
    """Record decisions on a round's bids.

    The round's chair (only: administrators and every other role get 403) records an outcome
    with its rationale for bids under assessment in the closed round: all of them or, if any
    item is refused, none. Each decision stores the bid's current version, that version's
    appraisal snapshot and the bid's entry in the round's ranking at that moment (default
    stability draws), with the criteria and settings versions. A bid is decided once (409
    naming it); a decided round is read-only (409). Decisions are never changed or deleted.
    Send `Idempotency-Key` to make retries safe.
    """
    service = DecisionService(session, principal)
    round_ = service.round_to_decide(round_id)
    if replayed := idempotency.replay():
        return replayed
    recorded = DecisionsRecorded(
        decisions=[DecisionRead.of(r, discloses=True) for r in service.record(round_, data)]
    )
    idempotency.record(status.HTTP_201_CREATED, recorded)
    return recorded


@router.get(
    "/{round_id}/decisions",
    response_model=Page[DecisionRead],
    responses={**problem_responses(406), **export_responses()},
)
def list_decisions(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    fmt: ExportFormatDep,
    limit: Annotated[
        int, Query(ge=1, le=MAX_DECISIONS, description="Decisions per page (an export's rows).")
    ] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Decisions to skip.")] = 0,
) -> Page[DecisionRead] | Response:
    """List a round's decisions.

    In the order they were recorded. The round's chair and administrators read them all; a
    programme office those on its own footprint's bids, without who recorded them;
    assessors and integrations may not (403). `?format=csv|xlsx` (or `Accept`) answers the
    page as a table, its total in `X-Total-Count`.
    """
    records, total = DecisionService(session, principal).page(round_id, limit, offset)
    discloses = discloses_others(principal)
    page: Page[DecisionRead] = Page(
        items=[DecisionRead.of(r, discloses=discloses) for r in records],
        total=total,
        limit=limit,
        offset=offset,
    )
    if fmt is ExportFormat.JSON:
        return page
    columns, rows = decisions_table(page.items)
    return table_response(
        fmt, columns, rows, name=f"decisions-{round_id}", headers={"X-Total-Count": str(total)}
    )


@router.get("/{round_id}/decisions/{decision_id}")
def get_decision(
    round_id: uuid.UUID, decision_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> DecisionRead:
    """Read a decision.

    The decision as it was recorded, with the bid version, appraisal snapshot and ranking
    entry it was made on. Readable as the round's decisions are.
    """
    record = DecisionService(session, principal).get(round_id, decision_id)
    return DecisionRead.of(record, discloses=discloses_others(principal))
