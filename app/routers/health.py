"""Liveness, and whether the database answers (within the health timeout, whatever it does)."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, text

from app.strict_route import StrictRoute

router = APIRouter(route_class=StrictRoute, tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def health(request: Request) -> JSONResponse:
    """Check liveness.

    Answers 200 while the service and its database answer, and 503 saying the database is down
    when it refuses, fails or has not answered within the health timeout. Needs no key.
    """
    answered = False
    # A database that accepts and never answers must not hold the probe: the check runs in a
    # thread that is abandoned at the timeout (the engine's own timeouts end it later).
    with anyio.move_on_after(request.app.state.settings.health_timeout):
        answered = await anyio.to_thread.run_sync(
            _database_answers, request.app.state.engine, abandon_on_cancel=True
        )
    if not answered:
        return JSONResponse({"status": "degraded", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})


def _database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to answer is "down", whatever the driver raises
        return False
    return True
