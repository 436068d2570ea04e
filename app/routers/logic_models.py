"""A bid's logic model: the graph, and its validation findings with the quality score."""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Response

from app import translate
from app.compute_pool import ComputeSlotDep
from app.deps import IfMatchRequired, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.logic_models import FindingsOut, LogicModelIn
from app.services.bids import BidService
from app.services.preconditions import etag
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute,
    prefix="/bids/{bid_id}/logic-model",
    tags=["logic models"],
    responses=problem_responses(),
)


@router.get("", response_model=LogicModelIn)
def get_logic_model(bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """Read a bid's logic model.

    The logic model of the bid's current version; the `ETag` header is the bid's.
    """
    service = BidService(session, principal)
    bid = service.get(bid_id)
    # Stored as LogicModelIn dumped it when it was put: validating it again would only
    # rebuild the same document.
    return Response(
        json.dumps(service.current(bid).logic_model, separators=(",", ":")),
        media_type="application/json",
        headers={"ETag": etag(bid.version)},
    )


@router.put("", responses=problem_responses(409, 412, 428))
def put_logic_model(
    bid_id: uuid.UUID,
    model: LogicModelIn,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchRequired,
) -> LogicModelIn:
    """Replace a draft's logic model.

    Replaces the whole graph of the draft. `If-Match` with the bid's ETag is required (412
    when stale, 428 when absent).
    """
    service = BidService(session, principal)
    bid = service.put_logic_model(service.get(bid_id, for_update=True), model, if_match)
    response.headers["ETag"] = etag(bid.version)
    return model


@router.get("/findings", response_model=FindingsOut, responses=problem_responses(503))
def get_logic_model_findings(
    bid_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, _: ComputeSlotDep
) -> Response:
    """Validate a bid's logic model.

    Every finding on the graph and its hypotheses (errors block submission, warnings lower
    the score), and the logic-model quality score with the terms that add up to it.
    """
    service = BidService(session, principal)
    findings = translate.findings_out(*service.findings(service.get(bid_id)))
    # Serialised here: FastAPI would validate thousands of findings again, in another thread.
    return Response(findings.model_dump_json(), media_type="application/json")
