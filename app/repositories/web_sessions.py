"""The pages' sessions: found by their token's digest, only while their key stands."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.tables import ApiKey, WebSession


class WebSessions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: WebSession) -> WebSession:
        self.session.add(row)
        self.session.flush()
        return row

    def live(self, token_digest: str, now: dt.datetime) -> tuple[WebSession, ApiKey] | None:
        """The unexpired session with this digest and its key, unless the key is revoked."""
        stmt = (
            select(WebSession, ApiKey)
            .join(ApiKey, ApiKey.id == WebSession.api_key_id)
            .where(
                WebSession.token_digest == token_digest,
                WebSession.expires_at > now,
                ApiKey.revoked_at.is_(None),
            )
        )
        found = self.session.execute(stmt).one_or_none()
        return None if found is None else (found[0], found[1])

    def end(self, token_digest: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.token_digest == token_digest))

    def end_expired(self, now: dt.datetime) -> None:
        self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
