"""A bid's logic model: the graph, and its validation findings with the quality score."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app import translate
from app.compute_pool import ComputeSlotDep
from app.deps import IfMatch, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.logic_models import FindingsOut, LogicModelIn
from app.services.bids import BidService
from app.services.preconditions import etag

router = APIRouter(
    prefix="/bids/{bid_id}/logic-model", tags=["logic models"], responses=problem_responses()
)


@router.get("")
def get_logic_model(
    bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, response: Response
) -> LogicModelIn:
    service = BidService(session, principal)
    bid = service.get(bid_id)
    response.headers["ETag"] = etag(bid.version)
    return LogicModelIn.model_validate(service.current(bid).logic_model)


@router.put("", responses=problem_responses(409, 412, 428))
def put_logic_model(
    bid_id: uuid.UUID,
    model: LogicModelIn,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> LogicModelIn:
    """Replace the draft's logic model. Send If-Match with the bid's ETag."""
    service = BidService(session, principal)
    bid = service.put_logic_model(service.get(bid_id, for_update=True), model, if_match)
    response.headers["ETag"] = etag(bid.version)
    return model


@router.get("/findings", responses=problem_responses(503))
def get_logic_model_findings(
    bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, _: ComputeSlotDep
) -> FindingsOut:
    service = BidService(session, principal)
    return translate.findings_out(*service.findings(service.get(bid_id)))
