"""Alert subscriptions: a programme office's for its footprint, a chair's for its round."""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import NotFound
from app.repositories.pages import Fetched, Window
from app.repositories.places import Footprints
from app.repositories.webhooks import WebhookDeliveries, WebhookSubscriptions
from app.schemas.keys import Role
from app.schemas.webhooks import WebhookCreate
from app.tables import (
    OutboxEvent,
    Round,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
    utcnow,
)
from bpv.errors import InvalidInput

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64
RECENT_DELIVERIES = 20


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes them: `whsec_` + base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_bytes(secret: str) -> bytes:
    """The HMAC key a secret stands for: the bytes its base64 part decodes to."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


@dataclass(frozen=True)
class SubscriptionHistory:
    subscription: WebhookSubscription
    deliveries: list[tuple[WebhookDelivery, OutboxEvent, list[WebhookAttempt]]]


class WebhookService:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.subscriptions = WebhookSubscriptions(session, principal)

    def subscribe(self, data: WebhookCreate) -> WebhookSubscription:
        footprint_id, round_id = self._scope(data.footprint_id, data.round_id)
        return self.subscriptions.add(
            WebhookSubscription(
                account_id=self.principal.account,
                url=data.url,
                events=[str(e) for e in data.events],
                footprint_id=footprint_id,
                round_id=round_id,
                secret=new_secret(),
                active=True,
            )
        )

    def page(self, window: Window) -> Fetched[WebhookSubscription]:
        return self.subscriptions.page(window)

    def history(self, subscription_id: uuid.UUID) -> SubscriptionHistory:
        subscription = self._get(subscription_id)
        recent = WebhookDeliveries(self.session).recent(subscription.id, RECENT_DELIVERIES)
        return SubscriptionHistory(subscription, recent)

    def delete(self, subscription_id: uuid.UUID) -> None:
        """Stop alerts at once: the subscription is kept, marked deleted, its pending
        deliveries abandoned."""
        subscription = self._get(subscription_id, for_update=True)
        subscription.deleted_at = utcnow()
        WebhookDeliveries(self.session).abandon_pending(subscription.id)
        self.session.flush()

    def _get(self, subscription_id: uuid.UUID, *, for_update: bool = False) -> WebhookSubscription:
        subscription = self.subscriptions.get(subscription_id, for_update=for_update)
        if subscription is None:
            raise NotFound(f"No webhook subscription {subscription_id}.")
        return subscription

    def _scope(
        self, footprint_id: uuid.UUID | None, round_id: uuid.UUID | None
    ) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        """The footprint or round a subscription listens to: the caller's own, or for an
        administrator exactly one it names."""
        principal = self.principal
        if principal.role is Role.PROGRAMME_OFFICE:
            if round_id is not None:
                raise InvalidInput("A programme office subscribes for its footprint.", "round_id")
            if footprint_id not in (None, principal.footprint_id):
                raise InvalidInput(
                    "A programme office subscribes for its own footprint.", "footprint_id"
                )
            return principal.footprint_id, None
        if principal.role is Role.CHAIR:
            if footprint_id is not None:
                raise InvalidInput("A chair subscribes for its round.", "footprint_id")
            if round_id not in (None, principal.round_id):
                raise InvalidInput("A chair subscribes for its own round.", "round_id")
            return None, principal.round_id
        if (footprint_id is None) == (round_id is None):
            raise InvalidInput(
                "An admin names exactly one of footprint_id and round_id.",
                "round_id" if footprint_id is not None else "footprint_id",
            )
        if footprint_id is not None and Footprints(self.session).get(footprint_id) is None:
            raise InvalidInput(f"No footprint {footprint_id}.", "footprint_id")
        if round_id is not None and self.session.get(Round, round_id) is None:
            raise InvalidInput(f"No round {round_id}.", "round_id")
        return footprint_id, round_id
