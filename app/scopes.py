"""What each caller may see, as SQL conditions applied inside every repository query."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from app.auth import Principal
from app.schemas.keys import Role
from app.tables import Bid, Round
from bpv.lifecycle import FUNDED, SUBMITTED_OR_LATER, RoundStatus


def visible_rounds(principal: Principal) -> ColumnElement[bool]:
    match principal.role:
        case Role.ADMIN:
            return true()
        case Role.ASSESSOR | Role.CHAIR:
            return Round.id == principal.round_id
        case Role.PROGRAMME_OFFICE | Role.INTEGRATION:
            return Round.status != RoundStatus.DRAFT
    return false()


def visible_bids(principal: Principal) -> ColumnElement[bool]:
    match principal.role:
        case Role.ADMIN:
            return true()
        case Role.PROGRAMME_OFFICE:
            return Bid.footprint_id == principal.footprint_id
        case Role.INTEGRATION:
            return (Bid.footprint_id == principal.footprint_id) & Bid.status.in_(FUNDED)
        case Role.ASSESSOR | Role.CHAIR:
            return (Bid.round_id == principal.round_id) & Bid.status.in_(SUBMITTED_OR_LATER)
    return false()
