"""What each caller may see, as SQL conditions applied inside every repository query."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from app.auth import Principal
from app.schemas.keys import Role
from app.tables import (
    Assessment,
    Bid,
    BidPartner,
    BidVersion,
    Conflict,
    Moderation,
    Round,
)
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
        case Role.CHAIR:
            return (Bid.round_id == principal.round_id) & Bid.status.in_(SUBMITTED_OR_LATER)
        case Role.ASSESSOR:
            panel = (Bid.round_id == principal.round_id) & Bid.status.in_(SUBMITTED_OR_LATER)
            if principal.account_id is None:
                return panel
            return panel & ~declared_conflict(principal.account_id)
    return false()


def declared_conflict(account_id: uuid.UUID) -> ColumnElement[bool]:
    """The account declared a conflict with the bid (of the query's `Bid`) in its round: with
    its footprint, or with its lead or a partner organisation in any of its versions."""
    # Aliases, correlated explicitly, so a query that joins its own versions or partners
    # still tests every version of the bid.
    version, partner = aliased(BidVersion), aliased(BidPartner)
    conflict = aliased(Conflict)
    led = (
        select(version.id)
        .where(version.bid_id == Bid.id, version.lead_organisation_id == conflict.organisation_id)
        .correlate_except(version)
    )
    partnered = (
        select(partner.organisation_id)
        .join(version, version.id == partner.bid_version_id)
        .where(version.bid_id == Bid.id, partner.organisation_id == conflict.organisation_id)
        .correlate_except(version, partner)
    )
    return exists(
        select(conflict.id)
        .where(
            conflict.account_id == account_id,
            conflict.round_id == Bid.round_id,
            or_(conflict.footprint_id == Bid.footprint_id, exists(led), exists(partnered)),
        )
        .correlate_except(conflict)
    )


def visible_assessments(principal: Principal) -> ColumnElement[bool]:
    """An assessor sees its own (also those a later conflict withdrew); the chair and admins
    all; a programme office those of its own footprint's bids (once decided: see the service)."""
    match principal.role:
        case Role.ADMIN:
            return true()
        case Role.CHAIR:
            return Assessment.round_id == principal.round_id
        case Role.ASSESSOR:
            return (Assessment.round_id == principal.round_id) & (
                Assessment.account_id == principal.account_id
            )
        case Role.PROGRAMME_OFFICE:
            return Assessment.bid_id.in_(_own_bids(principal))
    return false()


def visible_moderations(principal: Principal) -> ColumnElement[bool]:
    """The chair and admins see every moderation; a programme office those of its own bids."""
    match principal.role:
        case Role.ADMIN:
            return true()
        case Role.CHAIR:
            return Moderation.round_id == principal.round_id
        case Role.PROGRAMME_OFFICE:
            return Moderation.bid_id.in_(_own_bids(principal))
    return false()


def visible_conflicts(principal: Principal) -> ColumnElement[bool]:
    """An assessor sees its own declarations; the chair and admins all of the round's."""
    match principal.role:
        case Role.ADMIN:
            return true()
        case Role.CHAIR:
            return Conflict.round_id == principal.round_id
        case Role.ASSESSOR:
            return (Conflict.round_id == principal.round_id) & (
                Conflict.account_id == principal.account_id
            )
    return false()


def _own_bids(principal: Principal) -> Select[uuid.UUID]:
    # Not correlated: a query that joins bids itself still means every bid of the footprint.
    return select(Bid.id).where(Bid.footprint_id == principal.footprint_id).correlate(None)
