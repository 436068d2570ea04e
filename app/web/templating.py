"""The pages' Jinja2 environment (NHS.UK frontend's macros beside our templates) and `render`,
which gives every template the signed-in principal, the form token and the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from app.auth import Principal
from app.schemas.keys import Role
from app.web.csrf import csrf_token

TEMPLATES = Path(__file__).parent / "templates"
STATIC_URL = "/app/static"

environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]),
    # NHS.UK frontend's macros read optional parameters through chains (`params.a.b`).
    undefined=ChainableUndefined,
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals["static"] = lambda path: f"{STATIC_URL}/{path}"


@dataclass(frozen=True)
class NavigationItem:
    text: str
    href: str


def navigation(principal: Principal | None) -> list[NavigationItem]:
    """The pages a principal's role works in, in the header's menu."""
    if principal is None:
        return []
    items: list[NavigationItem] = []
    if principal.role is Role.PROGRAMME_OFFICE:
        items.append(NavigationItem("My bids", "/app/my-bids"))
        items.append(NavigationItem("Footprint", f"/app/footprints/{principal.footprint_id}"))
    elif principal.role is Role.ASSESSOR:
        items.append(NavigationItem("Assess", "/app/assess"))
        items.append(NavigationItem("Round", f"/app/rounds/{principal.round_id}"))
    elif principal.role is Role.CHAIR:
        items.append(NavigationItem("Round", f"/app/rounds/{principal.round_id}"))
    elif principal.role is Role.ADMIN:
        items.append(NavigationItem("Footprints", "/app/footprints"))
    return items


def render(
    request: Request, template_name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """The template filled in, with `principal`, `csrf_token`, `navigation` and `path` added."""
    principal: Principal | None = getattr(request.state, "page_principal", None)
    items = navigation(principal)
    path = request.url.path
    html = environment.get_template(template_name).render(
        {
            "principal": principal,
            "csrf_token": csrf_token(request),
            "navigation": [
                {"text": i.text, "href": i.href, "current": path == i.href} for i in items
            ],
            "path": path,
            **context,
        }
    )
    return HTMLResponse(html, status_code=status_code)
