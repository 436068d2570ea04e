"""Signing in to the pages: an API key opens a server-side session; the browser holds only an
opaque token, of which the server keeps a digest."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import FailedAuthentications, Principal, authenticate, principal_of
from app.repositories.web_sessions import WebSessions
from app.tables import WebSession, utcnow


@dataclass(frozen=True)
class OpenedSession:
    token: str
    principal: Principal
    expires_at: dt.datetime


def token_digest(server_secret: str, token: str) -> str:
    return hmac.new(
        server_secret.encode(), b"session:" + token.encode(), hashlib.sha256
    ).hexdigest()


def open_session(
    session: Session,
    server_secret: str,
    key: str,
    lifetime: dt.timedelta,
    failures: FailedAuthentications | None = None,
    address: str = "unknown",
) -> OpenedSession:
    """A new session acting through `key`; Unauthorized (or TooManyRequests) as the API says."""
    principal = authenticate(session, server_secret, f"Bearer {key.strip()}", failures, address)
    now = utcnow()
    sessions = WebSessions(session)
    sessions.end_expired(now)
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    sessions.add(
        WebSession(
            token_digest=token_digest(server_secret, token),
            api_key_id=principal.key_id,
            expires_at=expires_at,
        )
    )
    return OpenedSession(token, principal, expires_at)


def session_principal(session: Session, server_secret: str, token: str) -> Principal | None:
    """Who holds `token`: None once it expired, was ended, or its key was revoked."""
    found = WebSessions(session).live(token_digest(server_secret, token), utcnow())
    return None if found is None else principal_of(found[1])


def end_session(session: Session, server_secret: str, token: str) -> None:
    WebSessions(session).end(token_digest(server_secret, token))
