"""Decisions on bids, and the appraisal snapshots that rankings and decisions read."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.scopes import visible_bids
from app.tables import Account, AppraisalSnapshot, Bid, BidVersion, Decision


class RoundBid(NamedTuple):
    """A bid of a round with what a ranking reads of its current version."""

    bid: Bid
    version_id: uuid.UUID
    version_number: int
    title: str
    snapshot: AppraisalSnapshot | None


class BidRequest(NamedTuple):
    """What a bid's current version asks for: its programme area, and its requested funding as
    stored (a list of `{year, amount}`, or None)."""

    programme_area: str
    requested_funding: list[Any] | None


class RoundBids:
    """A round's bids with their current snapshots, for rankings and decisions.

    A ranking is computed over every bid of its round whoever asks (ranks depend on all of
    them): the services cut it down to what the caller may see."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self, round_id: uuid.UUID, statuses: Collection[str]) -> list[RoundBid]:
        """The round's bids in `statuses`, each with its current version's snapshot (or None),
        oldest bid first."""
        stmt = (
            select(Bid, BidVersion.id, BidVersion.number, BidVersion.title, AppraisalSnapshot)
            .join(
                BidVersion,
                and_(BidVersion.bid_id == Bid.id, BidVersion.number == Bid.current_version),
            )
            .outerjoin(AppraisalSnapshot, AppraisalSnapshot.bid_version_id == BidVersion.id)
            .where(Bid.round_id == round_id, Bid.status.in_(list(statuses)))
            .order_by(Bid.created_at, Bid.id)
        )
        return [RoundBid(*row) for row in self.session.execute(stmt)]

    def requests(
        self, round_id: uuid.UUID, statuses: Collection[str]
    ) -> dict[uuid.UUID, BidRequest]:
        """What the current version of each of the round's bids in `statuses` asks for, by
        bid id (the requested funding alone of its content)."""
        stmt = (
            select(Bid.id, BidVersion.programme_area, BidVersion.content["requested_funding"])
            .join(
                BidVersion,
                and_(BidVersion.bid_id == Bid.id, BidVersion.number == Bid.current_version),
            )
            .where(Bid.round_id == round_id, Bid.status.in_(list(statuses)))
        )
        return {
            bid_id: BidRequest(area, funding)
            for bid_id, area, funding in self.session.execute(stmt)
        }


class DecisionRecord(NamedTuple):
    """A decision with what its readers show beside it."""

    decision: Decision
    title: str
    footprint_id: uuid.UUID
    snapshot: AppraisalSnapshot
    account_name: str


class Decisions:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def add_all(self, decisions: Sequence[Decision]) -> None:
        self.session.add_all(decisions)
        self.session.flush()

    def decided(self, bid_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Which of the bids already have a decision."""
        if not bid_ids:
            return set()
        stmt = select(Decision.bid_id).where(Decision.bid_id.in_(list(bid_ids)))
        return set(self.session.scalars(stmt))

    def _records(self) -> Select[Decision, str, uuid.UUID, AppraisalSnapshot, str]:
        """Decisions on the bids the caller may see, with the decided version's title."""
        return (
            select(Decision, BidVersion.title, Bid.footprint_id, AppraisalSnapshot, Account.name)
            .join(Bid, Bid.id == Decision.bid_id)
            .join(
                BidVersion,
                and_(
                    BidVersion.bid_id == Decision.bid_id,
                    BidVersion.number == Decision.bid_version,
                ),
            )
            .join(AppraisalSnapshot, AppraisalSnapshot.id == Decision.snapshot_id)
            .join(Account, Account.id == Decision.account_id)
            .where(visible_bids(self.principal))
        )

    def page(
        self, round_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[DecisionRecord], int]:
        """A page of the round's decisions, in the order they were recorded."""
        stmt = self._records().where(Decision.round_id == round_id)
        counted = select(func.count()).select_from(stmt.with_only_columns(Decision.id).subquery())
        total = int(self.session.scalar(counted) or 0)
        rows = self.session.execute(
            stmt.order_by(Decision.created_at, Decision.id).limit(limit).offset(offset)
        )
        return [DecisionRecord(*row) for row in rows], total

    def get(self, round_id: uuid.UUID, decision_id: uuid.UUID) -> DecisionRecord | None:
        stmt = self._records().where(Decision.round_id == round_id, Decision.id == decision_id)
        row = self.session.execute(stmt).one_or_none()
        return None if row is None else DecisionRecord(*row)

    def of_bids(self, bid_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DecisionRecord]:
        """The decisions on those of the bids the caller may see, by bid."""
        if not bid_ids:
            return {}
        stmt = self._records().where(Decision.bid_id.in_(list(bid_ids)))
        return {row[0].bid_id: DecisionRecord(*row) for row in self.session.execute(stmt)}

    def records(self, decisions: Sequence[Decision]) -> list[DecisionRecord]:
        """The stored decisions as records, in the order given."""
        ids = [decision.id for decision in decisions]
        stmt = self._records().where(Decision.id.in_(ids))
        found = {row[0].id: DecisionRecord(*row) for row in self.session.execute(stmt)}
        return [found[decision_id] for decision_id in ids]
