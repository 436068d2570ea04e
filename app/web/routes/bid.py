"""The bid page: the logic model as a layered graph with its findings, the success hypotheses,
the appraisal (figures, NPSV distribution, tornado, switching values) and, once funded, the
benefits realised against those predicted. Whoever may read the bid through the API sees it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from app import translate
from app.compute_pool import ComputeSlotDep
from app.deps import SessionDep
from app.repositories.places import Footprints
from app.schemas.benefits import BidBenefitsOut
from app.schemas.logic_models import LogicModelIn
from app.services.appraisals import MonteCarloRequest
from app.services.benefits import BenefitsService, today
from app.services.bid_appraisals import BidAppraisals
from app.services.bids import BidService
from app.services.snapshots import appraisal_out, stored_appraisal
from app.tables import AppraisalSnapshot
from app.web.session import PagePrincipalDep
from app.web.templating import render
from app.web.views.appraisal import appraisal_view
from app.web.views.benefits import benefits_view
from app.web.views.formats import pounds
from app.web.views.hypotheses import hypothesis_rows
from app.web.views.logic_model import logic_model_view
from bpv.lifecycle import FUNDED

router = APIRouter(include_in_schema=False)

# The appraisal as GET /v1/bids/{id}/appraisal gives it by default: a submitted version's
# stored snapshot, a draft's computed under its round's settings.
AS_THE_ROUND_SAYS = MonteCarloRequest(None, None, None)


@router.get("/bids/{bid_id}")
def bid_page(
    request: Request,
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PagePrincipalDep,
    _: ComputeSlotDep,
) -> Response:
    service = BidService(session, principal)
    bid = service.get(bid_id)
    read = service.read(bid)
    model = LogicModelIn.model_validate(service.current(bid).logic_model)
    logic = logic_model_view(model, translate.findings_out(*service.findings(bid)))
    labels = {node.key: node.label for node in model.nodes}
    result = BidAppraisals(session, principal).of_bid(bid_id, AS_THE_ROUND_SAYS)
    appraisal = (
        stored_appraisal(result) if isinstance(result, AppraisalSnapshot) else appraisal_out(result)
    )
    benefits = None
    if bid.status in FUNDED:
        report = BenefitsService(session, principal).of_bid(bid_id, today())
        benefits = benefits_view(BidBenefitsOut.of(report))
    footprint = Footprints(session).get(bid.footprint_id)
    context: dict[str, Any] = {
        "bid": read,
        "footprint": None if footprint is None else footprint.name,
        "requested": pounds(sum(item.amount for item in read.requested_funding) or None),
        "logic": logic,
        "hypotheses": hypothesis_rows(service.hypotheses(bid), labels),
        "appraisal": appraisal_view(appraisal),
        "missing": [f"{m.field}: {m.detail}" for m in appraisal.missing],
        "benefits": benefits,
    }
    return render(request, "bid.html", context)
