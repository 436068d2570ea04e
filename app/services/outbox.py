"""The webhook outbox: events written in the transaction of the change that caused them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.tables import OutboxEvent


def publish(
    session: Session,
    event_type: str,
    payload: dict[str, Any],
    *,
    footprint_id: uuid.UUID | None,
    round_id: uuid.UUID | None,
    dedup_key: str | None = None,
) -> OutboxEvent | None:
    """Write an event, and a pending delivery for every active subscription it matches, in
    the caller's transaction (flushed, never committed). With a `dedup_key` already written,
    nothing is written and None is returned."""
    raise NotImplementedError
