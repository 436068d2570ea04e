"""The webhook outbox: events written in the transaction of the change that caused them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.repositories.webhooks import PENDING, Outbox
from app.tables import OutboxEvent, WebhookDelivery, utcnow


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
    outbox = Outbox(session)
    now = utcnow()
    event = outbox.add_event(
        OutboxEvent(
            id=uuid.uuid4(),
            created_at=now,
            event_type=event_type,
            payload=payload,
            footprint_id=footprint_id,
            round_id=round_id,
            dedup_key=dedup_key,
        )
    )
    if event is None:
        return None
    outbox.add_deliveries(
        [
            WebhookDelivery(
                event_id=event.id,
                subscription_id=subscription.id,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
            )
            for subscription in outbox.subscribers(event_type, footprint_id, round_id)
        ]
    )
    return event
