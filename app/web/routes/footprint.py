"""Footprint (programme office, administrator): its funded bids rolled up, predicted against
realised money, and the bids off track; the scope is the footprint benefits roll-up's own."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from app.deps import SessionDep
from app.repositories.pages import Window
from app.repositories.places import Footprints
from app.schemas.keys import Role
from app.services.benefits import BenefitsService, today
from app.web.session import PagePrincipalDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_FOOTPRINTS = 200


@router.get("/footprints")
def footprints(request: Request, session: SessionDep, principal: PagePrincipalDep) -> Response:
    if principal.role is Role.PROGRAMME_OFFICE:
        return RedirectResponse(f"/app/footprints/{principal.footprint_id}", status_code=303)
    principal.require_admin()
    found = Footprints(session).page(Window(MAX_FOOTPRINTS, with_total=True))
    return render(request, "footprints.html", {"footprints": found.rows, "total": found.total})


@router.get("/footprints/{footprint_id}")
def footprint(
    footprint_id: uuid.UUID, request: Request, session: SessionDep, principal: PagePrincipalDep
) -> Response:
    rollup = BenefitsService(session, principal).of_footprint(footprint_id, today())
    place = Footprints(session).get(footprint_id)
    return render(request, "footprint.html", {"footprint": place, "rollup": rollup})
