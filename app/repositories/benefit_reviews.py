"""Which funded bids have measurements waiting to be reviewed, and their verdicts as last
reviewed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.tables import BenefitReview


class BenefitReviews:
    def __init__(self, session: Session) -> None:
        self.session = session

    def mark_due(self, bid_ids: Iterable[uuid.UUID], now: dt.datetime) -> None:
        """Count one more batch for each bid, due for review (a bid already due keeps the
        time it has waited since), in one upsert. In bid order, so concurrent batches on
        PostgreSQL lock rows in one order."""
        rows = [
            {"bid_id": bid_id, "verdicts": {}, "due_at": now, "marks": 1}
            for bid_id in sorted(bid_ids)
        ]
        if not rows:
            return
        dialect = self.session.connection().dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = upsert(BenefitReview).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[BenefitReview.bid_id],
            set_={
                "due_at": func.coalesce(BenefitReview.due_at, stmt.excluded.due_at),
                "marks": BenefitReview.marks + 1,
            },
        )
        self.session.execute(stmt)

    def any_due(self) -> bool:
        stmt = select(BenefitReview.bid_id).where(BenefitReview.due_at.is_not(None)).limit(1)
        return self.session.scalar(stmt) is not None

    def due(self, limit: int) -> dict[uuid.UUID, int]:
        """Up to `limit` bids due for review, longest waiting first, with their batch counts."""
        stmt = (
            select(BenefitReview.bid_id, BenefitReview.marks)
            .where(BenefitReview.due_at.is_not(None))
            .order_by(BenefitReview.due_at, BenefitReview.bid_id)
            .limit(limit)
        )
        return {bid_id: marks for bid_id, marks in self.session.execute(stmt)}

    def lock(self, bid_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, BenefitReview]:
        """The bids' review rows, locked until the transaction ends (on PostgreSQL; SQLite's
        writer holds the database) and read afresh."""
        stmt = (
            select(BenefitReview)
            .where(BenefitReview.bid_id.in_(sorted(bid_ids)))
            .order_by(BenefitReview.bid_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {row.bid_id: row for row in self.session.scalars(stmt)}
