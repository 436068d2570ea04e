"""API keys (administrators only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.repositories.pages import fetch_page
from app.tables import ApiKey


class ApiKeys:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key

    def page(self, limit: int, offset: int) -> tuple[list[ApiKey], int]:
        stmt = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
        return fetch_page(self.session, stmt, limit, offset)

    def active_named(self, prefix: str) -> list[ApiKey]:
        """Active keys whose name starts with `prefix` (the demo rotates its own keys)."""
        stmt = select(ApiKey).where(ApiKey.name.startswith(prefix), ApiKey.revoked_at.is_(None))
        return list(self.session.scalars(stmt))
