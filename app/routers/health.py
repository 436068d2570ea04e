"""Liveness, and whether the database answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from app.strict_route import StrictRoute

router = APIRouter(route_class=StrictRoute, tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> JSONResponse:
    """Check liveness.

    Answers 200 while the service and its database answer, and 503 saying which is down
    otherwise. Needs no key.
    """
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to answer is "down", whatever the driver raises
        return JSONResponse({"status": "degraded", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})
