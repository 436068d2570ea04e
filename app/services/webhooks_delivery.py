"""Delivering webhooks: leasing due deliveries, signing them as Standard Webhooks says, and
what each attempt's outcome changes (retry with backoff, delivered, or a subscription disabled)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from app.repositories.webhooks import ABANDONED, DELIVERED, WebhookDeliveries
from app.services.webhooks import secret_bytes
from app.tables import OutboxEvent, WebhookAttempt

USER_AGENT = "bpv-webhooks/1"
ERROR_MAX_CHARS = 1000
BODY_SNIPPET_CHARS = 200


@dataclass(frozen=True)
class RetrySchedule:
    """Exponential backoff with full jitter: retry n waits uniformly up to
    min(cap, base * 2^(n-1)) seconds, so receivers coming back are not hit all at once."""

    base_seconds: float
    cap_seconds: float

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(attempts - 1, 60))
        return (rng or random).uniform(0, ceiling)


@dataclass(frozen=True)
class Claimed:
    """A leased delivery with all it needs to be sent without the database."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    lease_until: dt.datetime
    url: str
    secret: str
    message_id: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def message_body(event: OutboxEvent) -> bytes:
    """The JSON a receiver gets: `{"type", "timestamp", "data"}` (Standard Webhooks' shape)."""
    stamp = event.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    message = {"type": event.event_type, "timestamp": stamp, "data": event.payload}
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret's bytes."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def claim(session: Session, now: dt.datetime, lease_seconds: float, limit: int) -> list[Claimed]:
    """Lease up to `limit` due deliveries; those of a subscription deleted or disabled since
    they were written are abandoned instead."""
    deliveries = WebhookDeliveries(session)
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    claimed = []
    for delivery in deliveries.claim_due(now, lease_until, limit):
        subscription = deliveries.subscription(delivery.subscription_id)
        event = deliveries.event(delivery.event_id)
        if subscription is None or event is None:
            raise RuntimeError(f"delivery {delivery.id} lost its subscription or event")
        if not subscription.active or subscription.deleted_at is not None:
            delivery.status = ABANDONED
            continue
        claimed.append(
            Claimed(
                delivery_id=delivery.id,
                subscription_id=subscription.id,
                lease_until=lease_until,
                url=subscription.url,
                secret=subscription.secret,
                message_id=str(event.id),
                body=message_body(event),
            )
        )
    session.flush()
    return claimed


def send(client: httpx.Client, claimed: Claimed) -> Outcome:
    """POST the delivery once, signed now; redirects are not followed (a 3xx is a failure)."""
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": claimed.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(claimed.secret, claimed.message_id, timestamp, claimed.body),
    }
    started = time.perf_counter()
    try:
        response = client.post(claimed.url, content=claimed.body, headers=headers)
    except httpx.HTTPError as failure:
        took = (time.perf_counter() - started) * 1000
        return Outcome(None, _clip(f"{type(failure).__name__}: {failure}".rstrip(": ")), took)
    took = (time.perf_counter() - started) * 1000
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None, took)
    snippet = response.text[:BODY_SNIPPET_CHARS].strip()
    error = f"HTTP {response.status_code}" + (f": {snippet}" if snippet else "")
    return Outcome(response.status_code, _clip(error), took)


def record(
    session: Session,
    claimed: Claimed,
    outcome: Outcome,
    now: dt.datetime,
    schedule: RetrySchedule,
    failure_window: dt.timedelta,
) -> None:
    """Keep the attempt; then, if the lease is still this worker's, mark the delivery
    delivered or schedule its retry, and track its subscription's failing streak, disabling
    it (and abandoning what it has pending) once the streak outlasts `failure_window`."""
    deliveries = WebhookDeliveries(session)
    # The subscription's row first, always: deleting and disabling lock it before deliveries.
    subscription = deliveries.subscription(claimed.subscription_id, for_update=True)
    delivery = deliveries.held(claimed.delivery_id, claimed.lease_until)
    deliveries.add_attempt(
        WebhookAttempt(
            delivery_id=claimed.delivery_id,
            created_at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=round(outcome.duration_ms, 3),
        )
    )
    if delivery is None or subscription is None:
        return  # the lease ran out and another worker took the delivery over
    delivery.attempts += 1
    if outcome.delivered:
        delivery.status = DELIVERED
        delivery.delivered_at = now
        subscription.failing_since = None
        session.flush()
        return
    delivery.next_attempt_at = now + dt.timedelta(seconds=schedule.delay(delivery.attempts))
    if subscription.failing_since is None:
        subscription.failing_since = now
    elif subscription.active and now - subscription.failing_since >= failure_window:
        subscription.active = False
        subscription.disabled_at = now
        subscription.disabled_reason = _clip(
            f"Failing since {subscription.failing_since:%Y-%m-%d %H:%M:%S} UTC; "
            f"last attempt: {outcome.error}"
        )
        session.flush()
        deliveries.abandon_pending(subscription.id)
    session.flush()


def release(session: Session, claimed: Sequence[Claimed], now: dt.datetime) -> None:
    """Hand leased deliveries back, due now (a worker stopping before it sent them)."""
    deliveries = WebhookDeliveries(session)
    for item in claimed:
        delivery = deliveries.held(item.delivery_id, item.lease_until)
        if delivery is not None:
            delivery.next_attempt_at = now
    session.flush()


def _clip(text: str) -> str:
    return text if len(text) <= ERROR_MAX_CHARS else text[: ERROR_MAX_CHARS - 1] + "…"
