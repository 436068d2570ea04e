"""Reference-class calibration: optimism in past predictions, by reference class (SPEC 4.9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.benefits import AsOfDate
from app.schemas.calibration import CalibrationOut
from app.services.benefits import today
from app.services.calibration import CalibrationService, Dimension
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/calibration", tags=["benefits"], responses=problem_responses()
)


@router.get("")
def get_calibration(
    session: SessionDep,
    principal: PrincipalDep,
    dimension: Annotated[
        Dimension | None,
        Query(
            description="Only this reference class: portfolio, programme_area or "
            "lead_organisation (all three by default)."
        ),
    ] = None,
    min_bids: Annotated[
        int, Query(ge=2, le=10_000, description="Funded bids a class needs to give a factor.")
    ] = 3,
    min_periods: Annotated[
        int, Query(ge=0, le=10_000, description="Measured periods a bid needs to count.")
    ] = 6,
    as_of: Annotated[
        AsOfDate | None, Query(description="Periods due by this date (today by default).")
    ] = None,
) -> CalibrationOut:
    """Calibrate optimism by reference class.

    Over every funded bid with enough data: the ratio of realised to predicted benefits
    (over the periods measured) and of actual to planned spend (over the years reported), by
    reference class (the whole portfolio, programme area, lead organisation), each with its
    interval, the number of bids behind it and the method. Administrators, panel members and
    programme offices (factors pool several bids and name none); integrations 403.
    """
    service = CalibrationService(session, principal)
    return CalibrationOut.of(service.factors(dimension, min_bids, min_periods, as_of or today()))
