"""What each caller may see, as SQL conditions applied inside every repository query."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Uuid,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
)

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
    return _bids_condition(
        principal.role, principal.account_id is not None, scope_values(principal)
    )


# The caller's scope as bound parameters: one statement, built once, serves every caller of a
# role (building a SELECT costs more than running it on the hottest reads).
SCOPE_FOOTPRINT, SCOPE_ROUND, SCOPE_ACCOUNT = "scope_footprint", "scope_round", "scope_account"


def scope_values(principal: Principal) -> dict[str, uuid.UUID | None]:
    """The values of the scope's parameters in `bids_visible_to`, for `principal`."""
    return {
        SCOPE_FOOTPRINT: principal.footprint_id,
        SCOPE_ROUND: principal.round_id,
        SCOPE_ACCOUNT: principal.account_id,
    }


def bids_visible_to(role: Role, with_conflicts: bool) -> ColumnElement[bool]:
    """The bids a caller of `role` may see, its scope left as parameters (`scope_values`);
    `with_conflicts`: an assessor's declared conflicts hide bids (every real key has them)."""
    return _bids_condition(role, with_conflicts, None)


def _bids_condition(
    role: Role, with_conflicts: bool, values: dict[str, uuid.UUID | None] | None
) -> ColumnElement[bool]:
    def scope(name: str) -> BindParameter[uuid.UUID]:
        if values is None:
            return bindparam(name, type_=Uuid())
        return bindparam(name, values[name], type_=Uuid(), unique=True)

    # Of the table, not the mapped class: a statement of table columns alone runs without the
    # ORM's result machinery (app/repositories/bid_answers.py), and ORM queries take it as well.
    bids = Bid.__table__.c
    match role:
        case Role.ADMIN:
            return true()
        case Role.PROGRAMME_OFFICE:
            return bids.footprint_id == scope(SCOPE_FOOTPRINT)
        case Role.INTEGRATION:
            return (bids.footprint_id == scope(SCOPE_FOOTPRINT)) & bids.status.in_(sorted(FUNDED))
        case Role.CHAIR | Role.ASSESSOR:
            panel = (bids.round_id == scope(SCOPE_ROUND)) & bids.status.in_(
                sorted(SUBMITTED_OR_LATER)
            )
            if role is Role.CHAIR or not with_conflicts:
                return panel
            return panel & ~declared_conflict(scope(SCOPE_ACCOUNT))
    return false()


def declared_conflict(account_id: uuid.UUID | BindParameter[uuid.UUID]) -> ColumnElement[bool]:
    """The account declared a conflict with the bid (of the query's `bids`) in its round: with
    its footprint, or with its lead or a partner organisation in any of its versions."""
    # Aliases, correlated explicitly, so a query that joins its own versions or partners
    # still tests every version of the bid.
    bid = Bid.__table__.c
    version, partner = BidVersion.__table__.alias(), BidPartner.__table__.alias()
    conflict = Conflict.__table__.alias()
    led = (
        select(version.c.id)
        .where(
            version.c.bid_id == bid.id,
            version.c.lead_organisation_id == conflict.c.organisation_id,
        )
        .correlate_except(version)
    )
    partnered = (
        select(partner.c.organisation_id)
        .join(version, version.c.id == partner.c.bid_version_id)
        .where(
            version.c.bid_id == bid.id,
            partner.c.organisation_id == conflict.c.organisation_id,
        )
        .correlate_except(version, partner)
    )
    return exists(
        select(conflict.c.id)
        .where(
            conflict.c.account_id == account_id,
            conflict.c.round_id == bid.round_id,
            or_(conflict.c.footprint_id == bid.footprint_id, exists(led), exists(partnered)),
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
