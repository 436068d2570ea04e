"""The web pages under /app/: server-rendered HTML in the NHS design system, on the same
services and scope rules as the API (which stays as it is; the pages are not in its schema)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web import errors
from app.web.routes import assess, bid, footprint, home, my_bids, round, sign_in

STATIC = Path(__file__).parent / "static"


def include_pages(app: FastAPI) -> None:
    """Mount the pages' static files and include their routers, under /app."""
    errors.install(app)
    app.mount("/app/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    for module in (home, sign_in, my_bids, footprint, assess, round, bid):
        app.include_router(module.router, prefix="/app")
