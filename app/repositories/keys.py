"""API keys and the accounts they belong to (administrators only)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.repositories.pages import Fetched, Window, fetch_page
from app.tables import Account, ApiKey


class ApiKeys:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key

    def get(self, key_id: uuid.UUID) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def account(self, account_id: uuid.UUID) -> Account | None:
        return self.session.get(Account, account_id)

    def add_account(self, account: Account) -> Account:
        self.session.add(account)
        self.session.flush()
        return account

    def page(self, window: Window) -> Fetched[ApiKey]:
        return fetch_page(self.session, select(ApiKey), window, (ApiKey.created_at, ApiKey.id))

    def active_named(self, prefix: str) -> list[ApiKey]:
        """Active keys whose name starts with `prefix` (the demo rotates its own keys)."""
        stmt = select(ApiKey).where(ApiKey.name.startswith(prefix), ApiKey.revoked_at.is_(None))
        return list(self.session.scalars(stmt))

    def accounts_named(self, names: list[str]) -> dict[str, Account]:
        """Accounts by name (the demo keeps one account per demo role across runs)."""
        stmt = select(Account).where(Account.name.in_(names)).order_by(Account.created_at)
        return {account.name: account for account in self.session.scalars(stmt)}
