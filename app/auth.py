"""Who is calling: the principal behind a bearer key, its role and its scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.keys import key_matches, split_key
from app.problems import Forbidden, Unauthorized
from app.schemas.keys import FOOTPRINT_ROLES, ROUND_ROLES, Role
from app.tables import ApiKey
from bpv.errors import InvalidInput


@dataclass(frozen=True)
class Principal:
    key_id: uuid.UUID
    role: Role
    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, *roles: Role) -> None:
        """403 unless the caller has one of `roles` (admins always may)."""
        if not self.is_admin and self.role not in roles:
            raise Forbidden(f"A {self.role} key may not do this.")

    def require_admin(self) -> None:
        self.require()


def authenticate(session: Session, server_secret: str, authorization: str | None) -> Principal:
    scheme, _, token = (authorization or "").partition(" ")
    parts = split_key(token.strip()) if scheme.lower() == "bearer" else None
    if parts is None:
        raise Unauthorized("Send 'Authorization: Bearer <key>' with a valid API key.")
    prefix, secret = parts
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)))
    if row is None or not key_matches(server_secret, row.salt, row.digest, secret):
        raise Unauthorized("The API key is not valid.")
    return Principal(row.id, Role(row.role), row.footprint_id, row.round_id)


def check_scope(role: Role, footprint_id: uuid.UUID | None, round_id: uuid.UUID | None) -> None:
    """A programme office or integration needs a footprint; a panel member needs a round."""
    if role in FOOTPRINT_ROLES:
        if footprint_id is None:
            raise InvalidInput(f"a {role} key is scoped to a footprint", "footprint_id")
        if round_id is not None:
            raise InvalidInput(f"a {role} key has no round", "round_id")
    elif role in ROUND_ROLES:
        if round_id is None:
            raise InvalidInput(f"a {role} key is scoped to a round", "round_id")
        if footprint_id is not None:
            raise InvalidInput(f"a {role} key has no footprint", "footprint_id")
    elif footprint_id is not None or round_id is not None:
        field = "footprint_id" if footprint_id is not None else "round_id"
        raise InvalidInput("an admin key has no scope", field)
