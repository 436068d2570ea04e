"""Alert subscriptions (webhooks), signed as the Standard Webhooks specification says."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.deps import PageDep, PrincipalDep, SessionDep
from app.problems import problem_responses
from app.schemas.common import Page
from app.schemas.keys import Role
from app.schemas.webhooks import WebhookCreate, WebhookCreated, WebhookDetail, WebhookRead
from app.services.webhooks import WebhookService
from app.strict_route import StrictRoute

router = APIRouter(
    route_class=StrictRoute, prefix="/webhooks", tags=["webhooks"], responses=problem_responses()
)

SUBSCRIBERS = (Role.PROGRAMME_OFFICE, Role.CHAIR)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_webhook(
    data: WebhookCreate, session: SessionDep, principal: PrincipalDep
) -> WebhookCreated:
    """Subscribe to alerts.

    A programme office subscribes for its own footprint, a chair for its own round (each by
    default); an administrator names one footprint or one round. Events:
    `benefit.off_track`, `hypothesis.refuted`, `measurement.missing`. Each is POSTed to `url`
    as JSON `{"type", "timestamp", "data"}` signed with the headers `webhook-id`,
    `webhook-timestamp` and `webhook-signature` (Standard Webhooks, HMAC-SHA256 with
    `secret`). The secret is in this response only. Failed deliveries are retried with
    backoff; a subscription failing for longer than a day is disabled (see `GET
    /v1/webhooks/{id}` for why).
    """
    principal.require(*SUBSCRIBERS)
    return WebhookCreated.of(WebhookService(session, principal).subscribe(data))


@router.get("")
def list_webhooks(session: SessionDep, principal: PrincipalDep, page: PageDep) -> Page[WebhookRead]:
    """List alert subscriptions.

    The caller's account's subscriptions (an administrator's: everyone's), oldest first, with
    whether each is active, failing since when, or disabled and why. Never the secret.
    """
    principal.require(*SUBSCRIBERS)
    fetched = WebhookService(session, principal).page(page.window)
    items = [WebhookRead.of(r) for r in fetched.rows]
    return page.answer(items, fetched)


@router.get("/{webhook_id}")
def get_webhook(
    webhook_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> WebhookDetail:
    """Read an alert subscription and its recent deliveries.

    The subscription, its latest deliveries (newest first) and every attempt at each: when,
    how long, the receiver's status code or why no answer came. Another account's
    subscription answers 404.
    """
    principal.require(*SUBSCRIBERS)
    return WebhookDetail.of_history(WebhookService(session, principal).history(webhook_id))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> Response:
    """Delete an alert subscription.

    Nothing more is sent to it from now on, including deliveries still pending. Another
    account's subscription answers 404.
    """
    principal.require(*SUBSCRIBERS)
    WebhookService(session, principal).delete(webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
