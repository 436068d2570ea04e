"""Funding rounds, their framework and settings versions, as far as the caller may see them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import Fetched, Window, fetch_page
from app.scopes import visible_rounds
from app.tables import Bid, CriteriaFramework, Decision, Round, RoundSettingsVersion
from bpv.lifecycle import BidStatus


class Rounds:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def get(self, round_id: uuid.UUID, *, for_update: bool = False) -> Round | None:
        """The round if the caller may see it; `for_update` locks its row (PostgreSQL) so
        steps of one round queue up instead of racing."""
        stmt = select(Round).where(Round.id == round_id, visible_rounds(self.principal))
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(stmt)

    def add(self, round_: Round) -> Round:
        self.session.add(round_)
        self.session.flush()
        return round_

    def add_framework(self, round_: Round, version: int, criteria: list[Any]) -> None:
        self.session.add(CriteriaFramework(round_id=round_.id, version=version, criteria=criteria))
        self.session.flush()

    def add_settings(self, round_: Round, version: int, settings: dict[str, Any]) -> None:
        self.session.add(
            RoundSettingsVersion(round_id=round_.id, version=version, settings=settings)
        )
        self.session.flush()

    def page(self, window: Window, status: str | None = None) -> Fetched[Round]:
        stmt = select(Round).where(visible_rounds(self.principal))
        if status is not None:
            stmt = stmt.where(Round.status == status)
        return fetch_page(self.session, stmt, window, (Round.created_at, Round.id))

    def bids(self, round_: Round, status: BidStatus) -> list[Bid]:
        stmt = select(Bid).where(Bid.round_id == round_.id, Bid.status == status)
        return list(self.session.scalars(stmt.order_by(Bid.created_at, Bid.id)))

    def undecided_bids(self, round_: Round) -> list[uuid.UUID]:
        """Bids under assessment in the round with no decision."""
        decided = select(Decision.bid_id).where(Decision.round_id == round_.id)
        stmt = select(Bid.id).where(
            Bid.round_id == round_.id,
            Bid.status == BidStatus.UNDER_ASSESSMENT,
            Bid.id.not_in(decided),
        )
        return list(self.session.scalars(stmt.order_by(Bid.created_at, Bid.id)))

    def decided_bids(self, round_: Round) -> list[tuple[Bid, str]]:
        """The round's bids under assessment with the outcome decided for each."""
        stmt = (
            select(Bid, Decision.outcome)
            .join(Decision, Decision.bid_id == Bid.id)
            .where(Bid.round_id == round_.id, Bid.status == BidStatus.UNDER_ASSESSMENT)
        )
        return [(bid, outcome) for bid, outcome in self.session.execute(stmt)]
