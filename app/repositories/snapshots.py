"""Appraisal snapshots: a submitted bid version's figures as the panel saw them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.tables import AppraisalSnapshot


class Snapshots:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, snapshot: AppraisalSnapshot) -> AppraisalSnapshot:
        self.session.add(snapshot)
        self.session.flush()
        return snapshot

    def of_version(self, bid_version_id: uuid.UUID) -> AppraisalSnapshot | None:
        stmt = select(AppraisalSnapshot).where(AppraisalSnapshot.bid_version_id == bid_version_id)
        return self.session.scalar(stmt)

    def of_versions(
        self, bid_version_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, AppraisalSnapshot]:
        """Snapshots by bid version id, in one query."""
        if not bid_version_ids:
            return {}
        stmt = select(AppraisalSnapshot).where(
            AppraisalSnapshot.bid_version_id.in_(bid_version_ids)
        )
        return {row.bid_version_id: row for row in self.session.scalars(stmt)}
