"""Realised measurements and actual spend: posted in batches by integrations, read back with
their history and provenance."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from app.deps import IdempotencyDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.common import Page
from app.schemas.measurements import (
    MAX_BATCH_ITEMS,
    MAX_MEASUREMENTS_PAGE,
    BatchAccepted,
    MeasurementBatchIn,
    MeasurementRead,
    SpendRead,
)
from app.services.measurements import MeasurementService
from app.strict_route import StrictRoute


def cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is validated, checked and stored.

    A batch of 10,000 items allocates some 200,000 objects, none in a cycle; the full
    collections they set off took as long as the rest of the request. Only whoever turned the
    collector off turns it on again, so concurrent batches never leave it off."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


router = APIRouter(route_class=StrictRoute, tags=["measurements"], responses=problem_responses())

Limit = Annotated[int, Query(ge=1, le=MAX_MEASUREMENTS_PAGE, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Rows to skip.")]
IncludeHistory = Annotated[
    bool, Query(description="Also the rows later corrections superseded, each marked when.")
]


@router.post(
    "/measurements",
    status_code=status.HTTP_201_CREATED,
    # Solved before the body is validated: the pause covers the whole batch.
    dependencies=[Depends(cyclic_gc_paused)],
    response_model=BatchAccepted,
    description=f"""An integration's batch of realised indicator values and actual spend for
its footprint's funded bids (approved, approved with conditions, in delivery): at most
{MAX_BATCH_ITEMS:,} items in all. The batch is stored whole or not at all: a 422 names every
bad item by its path (`measurements[3].period_end`), whatever was wrong with it, and stores
nothing. A bid the key may not post for is reported as unknown. An indicator must be named by
a hypothesis of the bid's decided version, a cost line be one of that version's.

An item for the same bid, indicator, period and source as a stored one (for spend: bid, cost
line, year and source) is a correction: it supersedes the stored row, which stays in the
history. Every row keeps its batch, and the batch who sent it with which key. Send
`Idempotency-Key` to make retries safe: the batch is stored once however often it is sent.""",
)
def post_measurements(
    data: MeasurementBatchIn,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    idempotency: IdempotencyDep,
) -> BatchAccepted | JSONResponse:
    """Post measurements and spend."""
    if replayed := idempotency.replay():
        return replayed
    ingested = MeasurementService(session, principal).ingest(data)
    accepted = BatchAccepted.of(ingested)
    idempotency.record(status.HTTP_201_CREATED, accepted, response)
    return accepted


@router.get("/bids/{bid_id}/measurements")
def list_measurements(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Limit = 500,
    offset: Offset = 0,
    include_history: IncludeHistory = False,
) -> Page[MeasurementRead]:
    """List a bid's measurements.

    By indicator, period and source; each with its provenance (batch, integration account,
    key, when received). The current figures only unless `include_history`, which adds the
    rows corrections superseded. Seen by the bid's footprint, its round's panel and
    administrators.
    """
    service = MeasurementService(session, principal)
    rows, total = service.measurements(
        service.bid(bid_id), limit, offset, include_history=include_history
    )
    items = [MeasurementRead.of(row, batch) for row, batch in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/bids/{bid_id}/spend")
def list_spend(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    limit: Limit = 500,
    offset: Offset = 0,
    include_history: IncludeHistory = False,
) -> Page[SpendRead]:
    """List a bid's actual spend.

    By cost line, financial year and source, with provenance as for measurements; the current
    figures only unless `include_history`.
    """
    service = MeasurementService(session, principal)
    rows, total = service.spend(service.bid(bid_id), limit, offset, include_history=include_history)
    items = [SpendRead.of(row, batch) for row, batch in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)
