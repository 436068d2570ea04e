"""Benefits of funded bids: realised against predicted per bid, and rolled up by footprint and
by round (SPEC 4.9)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import PageDep, PrincipalDep, SessionDep
from app.exports import (
    JSON_MEDIA_TYPE,
    ExportFormat,
    ExportFormatDep,
    export_responses,
    table_response,
)
from app.problems import problem_responses
from app.schemas.benefits import AsOfDate, BenefitsRollupOut, BidBenefitsOut, benefits_table
from app.services.benefits import BenefitsService, today
from app.strict_route import StrictRoute

router = APIRouter(route_class=StrictRoute, tags=["benefits"], responses=problem_responses())

AsOfQuery = Annotated[
    AsOfDate | None,
    Query(
        description="Report as of this date (YYYY-MM-DD): the periods due by then, read from "
        "today's current measurements. Today by default."
    ),
]


@router.get(
    "/bids/{bid_id}/benefits",
    response_model=BidBenefitsOut,
    responses={**problem_responses(406, 409), **export_responses()},
)
def get_bid_benefits(
    bid_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    fmt: ExportFormatDep,
    as_of: AsOfQuery = None,
) -> BidBenefitsOut | Response:
    """Track a funded bid's benefits.

    Per hypothesis of the version decided on and per period: the predicted level
    (the trajectory interpolated from the baseline), the realised one (current measurements;
    where sources report the same period, their mean), variance, RAG by the round's
    tolerances and the indicator's direction, missing periods, money; a forecast at
    completion; a verdict per hypothesis with its rule and figures; the bid's money, spend and
    realised ROI to date. Only funded bids (approved, approved with conditions, in delivery,
    closed): any other answers 409. Whoever sees the bid sees its benefits.
    `?format=csv|xlsx` (or `Accept`) answers one row per indicator period.
    """
    report = BidBenefitsOut.of(BenefitsService(session, principal).of_bid(bid_id, as_of or today()))
    if fmt is ExportFormat.JSON:
        # Serialised once, here: a report runs to thousands of periods, and FastAPI would
        # validate the model again against the response model before serialising it.
        return Response(report.model_dump_json(), media_type=JSON_MEDIA_TYPE)
    columns, rows = benefits_table(report)
    return table_response(fmt, columns, rows, name=f"benefits-{bid_id}")


@router.get("/footprints/{footprint_id}/benefits")
def get_footprint_benefits(
    footprint_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    as_of: AsOfQuery = None,
) -> BenefitsRollupOut:
    """Roll up a footprint's funded bids.

    Predicted against realised money, spend, pooled realised ROI and the hypotheses' verdicts
    over every funded bid of the footprint the caller sees, the bids off track listed, and a
    page of the bids. A programme office or integration sees only its own footprint (another
    answers 404); a panel member the footprint's funded bids of its round.
    """
    rollup = BenefitsService(session, principal).of_footprint(footprint_id, as_of or today())
    return BenefitsRollupOut.of(
        rollup, limit=page.limit, offset=page.offset, footprint_id=footprint_id
    )


@router.get("/rounds/{round_id}/benefits")
def get_round_benefits(
    round_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    as_of: AsOfQuery = None,
) -> BenefitsRollupOut:
    """Roll up a round's funded bids.

    As the footprint's roll-up, over the round's funded bids the caller sees: its panel and
    administrators all of them (an assessor none it declared a conflict for), a programme
    office its own footprint's. A round out of the caller's scope answers 404.
    """
    rollup = BenefitsService(session, principal).of_round(round_id, as_of or today())
    return BenefitsRollupOut.of(rollup, limit=page.limit, offset=page.offset, round_id=round_id)
