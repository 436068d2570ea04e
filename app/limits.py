"""The bounds on what one client may cost the service (README "Limits"), installed on an app."""

from __future__ import annotations

from fastapi import FastAPI

from app.auth import FailedAuthentications
from app.compute_pool import ComputePool
from app.rate_limit import RateLimit
from app.settings import Settings


def install_limits(app: FastAPI, settings: Settings) -> None:
    app.state.compute_pool = ComputePool(settings.compute_slots, settings.compute_wait_seconds)
    app.state.failed_authentications = FailedAuthentications(
        settings.auth_failures_max, settings.auth_failures_window_seconds
    )
    # Outermost, so a request over the limit is refused before its body is even read.
    app.add_middleware(
        RateLimit,
        requests=settings.rate_limit_requests,
        window_seconds=settings.rate_limit_window_seconds,
    )
