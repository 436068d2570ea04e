"""Stored portfolio runs: each run of a round's portfolio selection, never changed."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.tables import PortfolioRun


class PortfolioRuns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, run: PortfolioRun) -> PortfolioRun:
        self.session.add(run)
        self.session.flush()
        return run

    def get(self, round_id: uuid.UUID, run_id: uuid.UUID) -> PortfolioRun | None:
        stmt = select(PortfolioRun).where(
            PortfolioRun.round_id == round_id, PortfolioRun.id == run_id
        )
        return self.session.scalar(stmt)

    def latest(self, round_id: uuid.UUID) -> PortfolioRun | None:
        """The round's most recent run, if any."""
        stmt = (
            select(PortfolioRun)
            .where(PortfolioRun.round_id == round_id)
            .order_by(PortfolioRun.created_at.desc(), PortfolioRun.id.desc())
            .limit(1)
        )
        return self.session.scalar(stmt)

    def of_round(self, round_id: uuid.UUID, run_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Which of the runs are the round's."""
        if not run_ids:
            return set()
        stmt = select(PortfolioRun.id).where(
            PortfolioRun.round_id == round_id, PortfolioRun.id.in_(list(run_ids))
        )
        return set(self.session.scalars(stmt))
