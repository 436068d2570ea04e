"""Bids, their versions and hypotheses, as far as the caller may see them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from app.auth import Principal
from app.repositories.bid_answers import NO_FILTERS, BidFilters
from app.repositories.pages import Fetched, Window, fetch_page
from app.scopes import visible_bids
from app.tables import Bid, BidVersion, Decision, Hypothesis


class Bids:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def get(self, bid_id: uuid.UUID, *, for_update: bool = False) -> Bid | None:
        """The bid if the caller may see it; `for_update` locks its row until the transaction ends
        (PostgreSQL), so writers to one bid queue up instead of racing."""
        stmt = select(Bid).where(Bid.id == bid_id, visible_bids(self.principal))
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(stmt)

    def page(self, window: Window, filters: BidFilters = NO_FILTERS) -> Fetched[Bid]:
        stmt = select(Bid).where(visible_bids(self.principal), *filters.conditions())
        return fetch_page(self.session, stmt, window, (Bid.created_at, Bid.id))

    def add(self, bid: Bid, first_version: BidVersion) -> Bid:
        self.session.add(bid)
        self.session.flush()
        first_version.bid_id = bid.id
        self.add_version(first_version)
        return bid

    def add_version(self, version: BidVersion) -> BidVersion:
        self.session.add(version)
        self.session.flush()
        return version

    def version(self, bid: Bid, number: int) -> BidVersion:
        stmt = select(BidVersion).where(BidVersion.bid_id == bid.id, BidVersion.number == number)
        return self.session.scalars(stmt).one()

    def current_versions(self, bids: list[Bid]) -> dict[uuid.UUID, BidVersion]:
        """Each bid's current version, without its logic model, in one query."""
        if not bids:
            return {}
        stmt = (
            select(BidVersion)
            .join(Bid, (Bid.id == BidVersion.bid_id) & (Bid.current_version == BidVersion.number))
            .where(Bid.id.in_([bid.id for bid in bids]))
            .options(defer(BidVersion.logic_model))
        )
        return {v.bid_id: v for v in self.session.scalars(stmt)}

    def versions(self, bid: Bid, window: Window) -> Fetched[BidVersion]:
        """A page of the bid's versions, oldest first."""
        stmt = select(BidVersion).where(BidVersion.bid_id == bid.id)
        return fetch_page(self.session, stmt, window, (BidVersion.number,))

    def count_hypotheses(self, version_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(Hypothesis.bid_version_id == version_id)
        return int(self.session.scalar(stmt) or 0)

    def next_ordinal(self, version_id: uuid.UUID) -> int:
        """The ordinal after the version's last hypothesis (deletions leave gaps, never reuse)."""
        stmt = select(func.max(Hypothesis.ordinal)).where(Hypothesis.bid_version_id == version_id)
        return int(self.session.scalar(stmt) or 0) + 1

    def hypothesis(self, version_id: uuid.UUID, stable_id: uuid.UUID) -> Hypothesis | None:
        """The version's copy of the hypothesis whose stable id is `stable_id`."""
        stmt = select(Hypothesis).where(
            Hypothesis.bid_version_id == version_id, Hypothesis.stable_id == stable_id
        )
        return self.session.scalar(stmt)

    def delete_hypothesis(self, hypothesis: Hypothesis) -> None:
        self.session.delete(hypothesis)
        self.session.flush()

    def hypotheses(self, version_ids: list[uuid.UUID]) -> list[Hypothesis]:
        stmt = (
            select(Hypothesis)
            .where(Hypothesis.bid_version_id.in_(version_ids))
            .order_by(Hypothesis.bid_version_id, Hypothesis.ordinal)
        )
        return list(self.session.scalars(stmt))

    def decision_exists(self, bid: Bid) -> bool:
        return self.session.scalar(select(Decision.id).where(Decision.bid_id == bid.id)) is not None

    def add_hypothesis(self, hypothesis: Hypothesis) -> Hypothesis:
        self.session.add(hypothesis)
        self.session.flush()
        return hypothesis
