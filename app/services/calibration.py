"""Reference-class calibration: how realised benefits and actual spend of funded bids compare
with what was predicted and planned, by reference class, and that factor applied beside (never
instead of) a new appraisal's figures."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import true
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.places import Organisations
from app.schemas.keys import Role
from app.services.benefits import BidReport, reports, today
from bpv.appraisal import Appraisal
from bpv.benefits import BidOutturn, CalibrationFactor, calibrate


class Dimension(StrEnum):
    """Reference classes: every funded bid together, by programme area, by lead organisation
    (its id)."""

    PORTFOLIO = "portfolio"
    PROGRAMME_AREA = "programme_area"
    LEAD_ORGANISATION = "lead_organisation"


PORTFOLIO_GROUP = "all funded bids"
# The factor a bid's appraisal takes: of its most specific reference class that has one.
PRECEDENCE = (Dimension.LEAD_ORGANISATION, Dimension.PROGRAMME_AREA, Dimension.PORTFOLIO)


@dataclass(frozen=True)
class Calibration:
    as_of: dt.date
    min_bids: int
    min_periods: int
    funded_bids: int
    factors: tuple[CalibrationFactor, ...]
    group_names: dict[str, str]  # lead organisation id -> its name


@dataclass
class CalibrationService:
    session: Session
    principal: Principal

    def factors(
        self, dimension: Dimension | None, min_bids: int, min_periods: int, as_of: dt.date
    ) -> Calibration:
        """Factors over every funded bid with data. Administrators, panels and programme
        offices (the factors pool at least `min_bids` bids and name none); not integrations."""
        self.principal.require(Role.CHAIR, Role.ASSESSOR, Role.PROGRAMME_OFFICE)
        tracked = reports(self.session, true(), as_of)
        found = calibrate([outturn(r) for r in tracked], min_bids=min_bids, min_periods=min_periods)
        if dimension is not None:
            found = tuple(f for f in found if f.dimension == dimension)
        organisations = Organisations(self.session)
        names = {}
        for factor in found:
            if factor.dimension == Dimension.LEAD_ORGANISATION and factor.group not in names:
                row = organisations.get(uuid.UUID(factor.group))
                if row is not None:
                    names[factor.group] = row.name
        return Calibration(as_of, min_bids, min_periods, len(tracked), found, names)


def outturn(report: BidReport) -> BidOutturn:
    """A funded bid's predicted and realised money over the periods measured, and planned and
    actual spend over the years some actual was reported."""
    groups = {
        Dimension.PORTFOLIO.value: PORTFOLIO_GROUP,
        Dimension.PROGRAMME_AREA.value: report.version.programme_area,
    }
    if report.version.lead_organisation_id is not None:
        groups[Dimension.LEAD_ORGANISATION.value] = str(report.version.lead_organisation_id)
    benefits = report.benefits
    return BidOutturn(
        bid_id=str(report.bid.id),
        groups=groups,
        predicted_money=benefits.predicted_money_measured,
        realised_money=benefits.realised_money,
        planned_spend=benefits.planned_spend,
        actual_spend=benefits.actual_spend,
        periods_measured=benefits.periods_measured,
    )


def reference_factors(session: Session, min_bids: int, min_periods: int) -> list[CalibrationFactor]:
    """Every factor the funded bids give today (for a round that applies calibration)."""
    tracked = reports(session, true(), today())
    outturns = [outturn(r) for r in tracked]
    return list(calibrate(outturns, min_bids=min_bids, min_periods=min_periods))


@dataclass(frozen=True)
class Calibrated:
    """An appraisal's headline figures with reference-class factors applied: PV benefits x
    the benefits factor, PV costs x the spend factor (1 where no class has a factor)."""

    benefits_factor: CalibrationFactor | None
    spend_factor: CalibrationFactor | None
    pv_benefits: float
    pv_costs: float
    npsv: float
    bcr: float | None


def choose(
    factors: list[CalibrationFactor],
    measure: str,
    programme_area: str,
    lead_organisation_id: uuid.UUID | None,
) -> CalibrationFactor | None:
    """The factor of the bid's most specific reference class that has one (lead organisation,
    then programme area, then the whole portfolio)."""
    groups = {
        Dimension.LEAD_ORGANISATION: None
        if lead_organisation_id is None
        else str(lead_organisation_id),
        Dimension.PROGRAMME_AREA: programme_area,
        Dimension.PORTFOLIO: PORTFOLIO_GROUP,
    }
    for dimension in PRECEDENCE:
        for factor in factors:
            if (
                factor.measure == measure
                and factor.dimension == dimension
                and factor.group == groups[dimension]
            ):
                return factor
    return None


def calibrated(
    appraisal: Appraisal,
    factors: list[CalibrationFactor],
    programme_area: str,
    lead_organisation_id: uuid.UUID | None,
) -> Calibrated:
    benefits = choose(factors, "benefits", programme_area, lead_organisation_id)
    spend = choose(factors, "spend", programme_area, lead_organisation_id)
    pv_benefits = appraisal.pv_benefits * (1.0 if benefits is None else benefits.ratio)
    pv_costs = appraisal.pv_costs * (1.0 if spend is None else spend.ratio)
    return Calibrated(
        benefits_factor=benefits,
        spend_factor=spend,
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        npsv=pv_benefits - pv_costs,
        bcr=pv_benefits / pv_costs if pv_costs > 0 else None,
    )
