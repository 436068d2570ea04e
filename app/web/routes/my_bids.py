"""My bids (programme office): each bid's status, findings to fix, appraisal preview,
decision and benefits, each linking to the bid's own page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.deps import SessionDep
from app.schemas.keys import Role
from app.services.bids import BidService
from app.services.conflicts import require_role
from app.web.session import PagePrincipalDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_BIDS = 100


@router.get("/my-bids")
def my_bids(request: Request, session: SessionDep, principal: PagePrincipalDep) -> Response:
    require_role(principal, Role.PROGRAMME_OFFICE, "see a programme office's bids")
    service = BidService(session, principal)
    bids, total = service.bids.page(MAX_BIDS, 0)
    return render(request, "my_bids.html", {"bids": service.read_many(bids), "total": total})
