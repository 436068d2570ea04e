"""Subscriptions as their owners see them, the outbox, and the deliveries the worker claims."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import Fetched, Window, fetch_page
from app.tables import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription

PENDING = "pending"
DELIVERED = "delivered"
ABANDONED = "abandoned"


class WebhookSubscriptions:
    """The subscriptions of the caller's account (an administrator's: all), never deleted ones."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _visible(self) -> ColumnElement[bool]:
        own = (
            true()
            if self.principal.is_admin
            else (WebhookSubscription.account_id == self.principal.account)
        )
        return own & WebhookSubscription.deleted_at.is_(None)

    def get(
        self, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookSubscription | None:
        stmt = select(WebhookSubscription).where(
            WebhookSubscription.id == subscription_id, self._visible()
        )
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(stmt)

    def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        self.session.add(subscription)
        self.session.flush()
        return subscription

    def page(self, window: Window) -> Fetched[WebhookSubscription]:
        stmt = select(WebhookSubscription).where(self._visible())
        order = (WebhookSubscription.created_at, WebhookSubscription.id)
        return fetch_page(self.session, stmt, window, order)


class Outbox:
    """Events and their deliveries, written in the transaction of the change that caused them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_event(self, event: OutboxEvent) -> OutboxEvent | None:
        """Store `event`; None (and nothing stored) when its dedup key is already taken.

        The check spares the usual case a failed insert; the savepoint catches a concurrent
        writer of the same key, which the unique constraint stops, without spoiling the
        caller's transaction.
        """
        if event.dedup_key is not None and self.session.scalar(
            select(OutboxEvent.id).where(OutboxEvent.dedup_key == event.dedup_key)
        ):
            return None
        try:
            with self.session.begin_nested():
                self.session.add(event)
                self.session.flush()
        except IntegrityError:
            if event.dedup_key is None:
                raise
            return None
        return event

    def subscribers(
        self, event_type: str, footprint_id: uuid.UUID | None, round_id: uuid.UUID | None
    ) -> list[WebhookSubscription]:
        """Active subscriptions to `event_type` for the footprint or the round."""
        scopes = []
        if footprint_id is not None:
            scopes.append(WebhookSubscription.footprint_id == footprint_id)
        if round_id is not None:
            scopes.append(WebhookSubscription.round_id == round_id)
        if not scopes:
            return []
        stmt = select(WebhookSubscription).where(
            WebhookSubscription.active.is_(True),
            WebhookSubscription.deleted_at.is_(None),
            or_(*scopes),
        )
        # The event list is JSON: filtered here, the same on SQLite and PostgreSQL.
        return [s for s in self.session.scalars(stmt) if event_type in s.events]

    def add_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> None:
        self.session.add_all(deliveries)
        self.session.flush()


class WebhookDeliveries:
    """What the worker reads and writes: due deliveries, their leases, their attempts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def any_due(self, now: dt.datetime) -> bool:
        stmt = select(WebhookDelivery.id).where(_due(now)).limit(1)
        return self.session.scalar(stmt) is not None

    def claim_due(
        self, now: dt.datetime, lease_until: dt.datetime, limit: int
    ) -> list[WebhookDelivery]:
        """Lease up to `limit` due deliveries: until `lease_until` no other worker sees them.

        On PostgreSQL rows another worker is claiming are skipped, not waited for; on SQLite
        the transaction's IMMEDIATE write lock lets one worker claim at a time.
        """
        stmt = (
            select(WebhookDelivery)
            .where(_due(now))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = list(self.session.scalars(stmt))
        for delivery in claimed:
            delivery.next_attempt_at = lease_until
        self.session.flush()
        return claimed

    def held(self, delivery_id: uuid.UUID, lease_until: dt.datetime) -> WebhookDelivery | None:
        """The delivery, locked, if the lease `lease_until` is still its own (no other worker
        took it over after the lease ran out)."""
        stmt = (
            select(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at == lease_until,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)

    def event(self, event_id: uuid.UUID) -> OutboxEvent | None:
        return self.session.get(OutboxEvent, event_id)

    def subscription(
        self, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookSubscription | None:
        return self.session.get(
            WebhookSubscription,
            subscription_id,
            with_for_update=for_update or None,
            populate_existing=for_update,
        )

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)
        self.session.flush()

    def abandon_pending(self, subscription_id: uuid.UUID) -> None:
        self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.subscription_id == subscription_id,
                WebhookDelivery.status == PENDING,
            )
            .values(status=ABANDONED)
            .execution_options(synchronize_session="fetch")
        )

    def recent(
        self, subscription_id: uuid.UUID, limit: int
    ) -> list[tuple[WebhookDelivery, OutboxEvent, list[WebhookAttempt]]]:
        """The subscription's latest deliveries, newest first, with their events and attempts
        (latest first)."""
        stmt = (
            select(WebhookDelivery, OutboxEvent)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
        )
        rows = [(d, e) for d, e in self.session.execute(stmt)]
        attempts: dict[uuid.UUID, list[WebhookAttempt]] = {d.id: [] for d, _ in rows}
        if attempts:
            stmt_attempts = (
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id.in_(list(attempts)))
                .order_by(WebhookAttempt.created_at.desc(), WebhookAttempt.id)
            )
            for attempt in self.session.scalars(stmt_attempts):
                attempts[attempt.delivery_id].append(attempt)
        return [(d, e, attempts[d.id]) for d, e in rows]


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return (WebhookDelivery.status == PENDING) & (WebhookDelivery.next_attempt_at <= now)
