"""Alert subscriptions (webhooks): what a caller asks for, and what it is told back."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

from app.schemas.common import ReadSchema, Schema

if TYPE_CHECKING:
    from app.services.webhooks import SubscriptionHistory
    from app.tables import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription

URL_MAX_LENGTH = 2000


class EventType(StrEnum):
    BENEFIT_OFF_TRACK = "benefit.off_track"
    HYPOTHESIS_REFUTED = "hypothesis.refuted"
    MEASUREMENT_MISSING = "measurement.missing"


def _check_url(value: str) -> str:
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError("must be an http or https URL")
    if not parts.hostname:
        raise ValueError("must name a host")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError("must not carry credentials (user:password@); authenticate by signature")
    if port == 0:
        raise ValueError("must not name port 0")
    if parts.fragment:
        raise ValueError("must not have a fragment (#...)")
    return value


WebhookUrl = Annotated[
    str,
    StringConstraints(min_length=1, max_length=URL_MAX_LENGTH),
    AfterValidator(_check_url),
    Field(
        description="Where deliveries are POSTed: an http or https URL with a host and no "
        "credentials in it.",
        json_schema_extra={"pattern": r"^[hH][tT][tT][pP][sS]?://[^\u0000-\u0020@]+$"},
    ),
]


def _unique(events: list[EventType]) -> list[EventType]:
    return list(dict.fromkeys(events))


class WebhookCreate(Schema):
    url: WebhookUrl
    events: Annotated[list[EventType], Field(min_length=1, max_length=10), AfterValidator(_unique)]
    footprint_id: uuid.UUID | None = Field(
        default=None,
        description="Alerts about this footprint's bids; a programme office's own by default.",
    )
    round_id: uuid.UUID | None = Field(
        default=None, description="Alerts about this round's bids; a chair's own by default."
    )


class WebhookRead(ReadSchema):
    id: uuid.UUID
    url: str
    events: list[EventType]
    footprint_id: uuid.UUID | None
    round_id: uuid.UUID | None
    status: Literal["active", "disabled"] = Field(
        description="`disabled` after failing for longer than the failure window: see "
        "`disabled_reason` and the recent deliveries."
    )
    failing_since: dt.datetime | None = Field(
        description="The first failed delivery after the last success; null while healthy."
    )
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    created_at: dt.datetime

    @classmethod
    def fields_of(cls, row: WebhookSubscription) -> dict[str, Any]:
        return {
            "id": row.id,
            "url": row.url,
            "events": row.events,
            "footprint_id": row.footprint_id,
            "round_id": row.round_id,
            "status": "active" if row.active else "disabled",
            "failing_since": row.failing_since,
            "disabled_at": row.disabled_at,
            "disabled_reason": row.disabled_reason,
            "created_at": row.created_at,
        }

    @classmethod
    def of(cls, row: WebhookSubscription) -> Self:
        return cls.model_validate(cls.fields_of(row))


class WebhookCreated(WebhookRead):
    secret: str = Field(
        description="The signing secret (`whsec_` + base64). Shown in this response only."
    )

    @classmethod
    def of(cls, row: WebhookSubscription) -> Self:
        return cls.model_validate({**cls.fields_of(row), "secret": row.secret})


class WebhookAttemptRead(ReadSchema):
    at: dt.datetime
    status_code: int | None = Field(description="The receiver's HTTP status, if it answered.")
    error: str | None = Field(description="Why the attempt failed; null when it succeeded.")
    duration_ms: float


class WebhookDeliveryRead(ReadSchema):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="The `webhook-id` header: the same on every retry.")
    event_type: EventType
    status: Literal["pending", "delivered", "abandoned"]
    attempts: int
    next_attempt_at: dt.datetime | None = Field(description="When it is tried next, if pending.")
    delivered_at: dt.datetime | None
    created_at: dt.datetime
    attempt_log: list[WebhookAttemptRead] = Field(description="Its attempts, latest first.")

    @classmethod
    def of(
        cls, delivery: WebhookDelivery, event: OutboxEvent, attempts: list[WebhookAttempt]
    ) -> Self:
        return cls(
            id=delivery.id,
            event_id=event.id,
            event_type=EventType(event.event_type),
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
            attempt_log=[
                WebhookAttemptRead(
                    at=a.created_at,
                    status_code=a.status_code,
                    error=a.error,
                    duration_ms=a.duration_ms,
                )
                for a in attempts
            ],
        )


class WebhookDetail(WebhookRead):
    recent_deliveries: list[WebhookDeliveryRead] = Field(
        description="The latest deliveries, newest first, each with its attempts."
    )

    @classmethod
    def of_history(cls, history: SubscriptionHistory) -> Self:
        return cls.model_validate(
            {
                **cls.fields_of(history.subscription),
                "recent_deliveries": [WebhookDeliveryRead.of(*row) for row in history.deliveries],
            }
        )
