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
from bpv.benefits import (
    AdjustedMeasures,
    Adjustment,
    BidOutturn,
    CalibrationFactor,
    adjusted_measures,
    adjustment,
    bid_outturn,
    calibrate,
)


class Dimension(StrEnum):
    """Reference classes: every funded bid together, by programme area, by lead organisation
    (its id). The portfolio's factor is reported; an appraisal takes only the more specific
    ones (as the domain's `adjustment` chooses)."""

    PORTFOLIO = "portfolio"
    PROGRAMME_AREA = "programme_area"
    LEAD_ORGANISATION = "lead_organisation"


PORTFOLIO_GROUP = "all funded bids"


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
    """A funded bid's outturn (like-for-like money and spend, `bpv.benefits.bid_outturn`)
    with its reference classes."""
    groups = {
        Dimension.PORTFOLIO.value: PORTFOLIO_GROUP,
        Dimension.PROGRAMME_AREA.value: report.version.programme_area,
    }
    if report.version.lead_organisation_id is not None:
        groups[Dimension.LEAD_ORGANISATION.value] = str(report.version.lead_organisation_id)
    return bid_outturn(str(report.bid.id), groups, report.benefits)


def reference_factors(session: Session, min_bids: int, min_periods: int) -> list[CalibrationFactor]:
    """Every factor the funded bids give today (for a round that applies calibration)."""
    tracked = reports(session, true(), today())
    outturns = [outturn(r) for r in tracked]
    return list(calibrate(outturns, min_bids=min_bids, min_periods=min_periods))


@dataclass(frozen=True)
class Calibrated:
    """An appraisal's headline figures with reference-class factors applied (the domain's
    `adjustment`: the bid's lead organisation's factor, else its programme area's, else 1)."""

    adjustment: Adjustment
    measures: AdjustedMeasures


def calibrated(
    appraisal: Appraisal,
    factors: list[CalibrationFactor],
    programme_area: str,
    lead_organisation_id: uuid.UUID | None,
) -> Calibrated:
    lead = None if lead_organisation_id is None else str(lead_organisation_id)
    chosen = adjustment(factors, programme_area, lead)
    return Calibrated(chosen, adjusted_measures(appraisal.pv_costs, appraisal.pv_benefits, chosen))
