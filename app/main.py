"""The application factory: settings in, a FastAPI app out (no engine is built at import)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import problems, routers
from app.body_limit import BodyLimit
from app.db import make_engine, make_sessionmaker
from app.limits import install_limits
from app.reads import read_limiter
from app.request_ids import RequestIds
from app.security_headers import SecurityHeaders
from app.settings import Settings, get_settings
from app.web import include_pages

DESCRIPTION = """\
Best Possible Value appraisal of transformation-funding bids from place-based health systems:
logic models and success hypotheses, quality and return on investment, panels and portfolios,
and realised benefits against predicted ones. Authenticate with `Authorization: Bearer <key>`.
Errors are RFC 9457 `application/problem+json`.
"""


def operation_id(route: APIRoute) -> str:
    """Stable, readable operation ids: the handler's name (e.g. `create_bid`)."""
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings`; refuses (InsecureSettings) the development secret in production."""
    settings = settings or get_settings()
    settings.check_safe_to_serve()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, settings)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.read_sessionmaker = make_sessionmaker(engine, reads_only=True)
        app.state.read_limiter = read_limiter(engine, settings)
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="BPV appraisal service",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # `/v1/bids/` is not `/v1/bids`: a redirect would resend a POST body elsewhere.
        redirect_slashes=False,
    )
    app.state.settings = settings
    problems.install(app)
    routers.include_all(app)
    include_pages(app)
    # Outermost last: every answer, the last-resort 500 and the 413 included, gets the id and
    # the security headers.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    install_limits(app, settings)
    app.add_middleware(RequestIds)
    app.add_middleware(SecurityHeaders)
    return app
