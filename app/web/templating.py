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


# What a figure that does not exist shows (an en dash), and the sign of a negative one.
NONE = "\u2013"
MINUS = "\u2212"


def money(value: float | None) -> str:
    """Pounds to the pound, as the pages show money: £1,234,567 (a minus sign below zero)."""
    if value is None:
        return NONE
    return f"{MINUS if value < 0 else ''}£{abs(value):,.0f}"


def ratio(value: float | None, places: int = 2) -> str:
    return NONE if value is None else f"{value:,.{places}f}"


def percent(value: float | None) -> str:
    """A fraction as a percentage: 0.24 → 24.0%."""
    if value is None:
        return NONE
    return f"{MINUS if value < 0 else ''}{abs(value) * 100:,.1f}%"


def words(value: object) -> str:
    """An enum's value as words: under_assessment → Under assessment."""
    text = str(getattr(value, "value", value)).replace("_", " ")
    return text[:1].upper() + text[1:]


# The tag colour of a status, outcome, verdict or RAG.
TAG_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "under_assessment": "blue",
    "approved": "green",
    "approved_with_conditions": "green",
    "rejected": "red",
    "in_delivery": "aqua-green",
    "closed": "grey",
    "withdrawn": "grey",
    "on_track": "green",
    "confirmed": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "refuted": "red",
    "no_data": "grey",
    "green": "green",
    "amber": "orange",
    "red": "red",
    "open": "green",
    "decided": "grey",
}


def tag_colour(value: object) -> str:
    return TAG_COLOURS.get(str(getattr(value, "value", value)), "white")


environment.filters.update(
    money=money, ratio=ratio, percent=percent, words=words, tag_colour=tag_colour
)


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
