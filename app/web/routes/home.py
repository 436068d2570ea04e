"""The pages' start: each role goes to the page it works in."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from app.web.session import PagePrincipalDep
from app.web.templating import navigation, render

router = APIRouter(include_in_schema=False)


@router.get("")
@router.get("/")
def home(request: Request, principal: PagePrincipalDep) -> Response:
    items = navigation(principal)
    if items:
        return RedirectResponse(items[0].href, status_code=303)
    return render(
        request,
        "error.html",
        {
            "title": "No pages for this key",
            "detail": "The pages are for panels, programme offices and administrators; "
            "an integration key works through the API alone.",
        },
        403,
    )
