"""The panel's records: conflicts of interest, assessments and moderations of a round's bids."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from typing import TypeVar

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import Fetched, Window, fetch_page
from app.scopes import visible_assessments, visible_conflicts, visible_moderations
from app.tables import (
    Account,
    Assessment,
    Bid,
    BidPartner,
    BidVersion,
    Conflict,
    Moderation,
    Round,
)

Scored = TypeVar("Scored", Assessment, Moderation)


class Panel:
    """Reads through `principal`'s scope when one is given; without one (the ranking's
    in-process reads of a round it has already authorised) every row of the round."""

    def __init__(self, session: Session, principal: Principal | None = None) -> None:
        self.session = session
        self.principal = principal

    # Conflicts

    def add_conflict(self, conflict: Conflict) -> Conflict:
        self.session.add(conflict)
        self.session.flush()
        return conflict

    def conflicts(self, round_: Round) -> list[Conflict]:
        """Every conflict declared in the round, oldest first."""
        stmt = select(Conflict).where(Conflict.round_id == round_.id, self._scope(Conflict))
        return list(self.session.scalars(stmt.order_by(Conflict.created_at, Conflict.id)))

    def conflicts_page(self, round_: Round, window: Window) -> Fetched[Conflict]:
        stmt = select(Conflict).where(Conflict.round_id == round_.id, self._scope(Conflict))
        return fetch_page(self.session, stmt, window, (Conflict.created_at, Conflict.id))

    # Assessments

    def current_assessment(self, bid: Bid, account_id: uuid.UUID) -> Assessment | None:
        stmt = select(Assessment).where(
            Assessment.bid_id == bid.id,
            Assessment.account_id == account_id,
            Assessment.superseded_at.is_(None),
        )
        return self.session.scalar(stmt)

    def add_assessment(self, assessment: Assessment) -> Assessment:
        self.session.add(assessment)
        self.session.flush()
        return assessment

    def assessments_page(
        self,
        round_: Round,
        window: Window,
        *,
        bid_id: uuid.UUID | None = None,
        include_history: bool = False,
    ) -> Fetched[Assessment]:
        """Assessments of the round, oldest first; only the current ones unless asked."""
        return self._scored_page(Assessment, round_, window, bid_id, include_history)

    def current_assessments(
        self, round_: Round, bid_ids: Collection[uuid.UUID] | None = None
    ) -> list[Assessment]:
        """The round's current assessments (of `bid_ids` only, when given), with their scores."""
        stmt = select(Assessment).where(
            Assessment.round_id == round_.id,
            Assessment.superseded_at.is_(None),
            self._scope(Assessment),
        )
        if bid_ids is not None:
            stmt = stmt.where(Assessment.bid_id.in_(bid_ids))
        order = (Assessment.created_at, Assessment.id)
        return list(self.session.scalars(stmt.order_by(*order)))

    # Moderations

    def current_moderation(self, bid: Bid) -> Moderation | None:
        stmt = select(Moderation).where(
            Moderation.bid_id == bid.id, Moderation.superseded_at.is_(None)
        )
        return self.session.scalar(stmt)

    def add_moderation(self, moderation: Moderation) -> Moderation:
        self.session.add(moderation)
        self.session.flush()
        return moderation

    def moderations_page(
        self,
        round_: Round,
        window: Window,
        *,
        bid_id: uuid.UUID | None = None,
        include_history: bool = False,
    ) -> Fetched[Moderation]:
        """Moderations of the round, oldest first; only the current ones unless asked."""
        return self._scored_page(Moderation, round_, window, bid_id, include_history)

    def current_moderations(self, round_: Round) -> list[Moderation]:
        stmt = select(Moderation).where(
            Moderation.round_id == round_.id,
            Moderation.superseded_at.is_(None),
            self._scope(Moderation),
        )
        return list(self.session.scalars(stmt))

    # What the records refer to

    def account_names(self, account_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not account_ids:
            return {}
        stmt = select(Account.id, Account.name).where(Account.id.in_(account_ids))
        return {account_id: name for account_id, name in self.session.execute(stmt)}

    def bids(self, bid_ids: Collection[uuid.UUID]) -> list[Bid]:
        if not bid_ids:
            return []
        return list(self.session.scalars(select(Bid).where(Bid.id.in_(bid_ids))))

    def assessed_bids(self, round_: Round, statuses: Collection[str]) -> list[Bid]:
        """The round's bids in `statuses`, oldest first."""
        stmt = select(Bid).where(Bid.round_id == round_.id, Bid.status.in_(statuses))
        return list(self.session.scalars(stmt.order_by(Bid.created_at, Bid.id)))

    def organisations(self, bid_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """Each bid's lead and partner organisations over all its versions (two queries)."""
        found: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        if not bid_ids:
            return found
        leads = select(BidVersion.bid_id, BidVersion.lead_organisation_id).where(
            BidVersion.bid_id.in_(bid_ids), BidVersion.lead_organisation_id.is_not(None)
        )
        partners = (
            select(BidVersion.bid_id, BidPartner.organisation_id)
            .join(BidPartner, BidPartner.bid_version_id == BidVersion.id)
            .where(BidVersion.bid_id.in_(bid_ids))
        )
        for stmt in (leads, partners):
            for bid_id, organisation_id in self.session.execute(stmt):
                if organisation_id is not None:
                    found[bid_id].add(organisation_id)
        return found

    def _scored_page(
        self,
        table: type[Scored],
        round_: Round,
        window: Window,
        bid_id: uuid.UUID | None,
        include_history: bool,
    ) -> Fetched[Scored]:
        """A page of a round's assessments or moderations: both are superseded, never replaced."""
        stmt = select(table).where(table.round_id == round_.id, self._scope(table))
        if bid_id is not None:
            stmt = stmt.where(table.bid_id == bid_id)
        if not include_history:
            stmt = stmt.where(table.superseded_at.is_(None))
        return fetch_page(self.session, stmt, window, (table.created_at, table.id))

    def _scope(self, table: type[Conflict | Assessment | Moderation]) -> ColumnElement[bool]:
        if self.principal is None:
            return true()
        if table is Conflict:
            return visible_conflicts(self.principal)
        if table is Assessment:
            return visible_assessments(self.principal)
        return visible_moderations(self.principal)
