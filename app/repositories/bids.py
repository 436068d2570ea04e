"""Bids, their versions and hypotheses, as far as the caller may see them."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import fetch_page
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

    def page(
        self,
        limit: int,
        offset: int,
        *,
        round_id: uuid.UUID | None = None,
        status: str | None = None,
        footprint_id: uuid.UUID | None = None,
    ) -> tuple[list[Bid], int]:
        stmt = select(Bid).where(visible_bids(self.principal))
        if round_id is not None:
            stmt = stmt.where(Bid.round_id == round_id)
        if status is not None:
            stmt = stmt.where(Bid.status == status)
        if footprint_id is not None:
            stmt = stmt.where(Bid.footprint_id == footprint_id)
        return fetch_page(self.session, stmt.order_by(Bid.created_at, Bid.id), limit, offset)

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
        """Each bid's current version, in one query."""
        if not bids:
            return {}
        wanted = {(bid.id, bid.current_version) for bid in bids}
        stmt = select(BidVersion).where(BidVersion.bid_id.in_([bid.id for bid in bids]))
        return {v.bid_id: v for v in self.session.scalars(stmt) if (v.bid_id, v.number) in wanted}

    def versions(self, bid: Bid, limit: int, offset: int) -> tuple[list[BidVersion], int]:
        """A page of the bid's versions, oldest first, and how many there are."""
        stmt = select(BidVersion).where(BidVersion.bid_id == bid.id).order_by(BidVersion.number)
        return fetch_page(self.session, stmt, limit, offset)

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
