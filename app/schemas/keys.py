"""API keys: a role and a scope; the secret is shown once."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import Field

from app.schemas.common import Name, ReadSchema, Schema


class Role(StrEnum):
    ADMIN = "admin"
    PROGRAMME_OFFICE = "programme_office"
    ASSESSOR = "assessor"
    CHAIR = "chair"
    INTEGRATION = "integration"

    @property
    def key_phrase(self) -> str:
        """How prose names a key of this role: "an assessor key", "a programme office key"."""
        words = self.value.replace("_", " ")
        return f"{'an' if words[0] in 'aeiou' else 'a'} {words} key"


FOOTPRINT_ROLES = {Role.PROGRAMME_OFFICE, Role.INTEGRATION}
ROUND_ROLES = {Role.ASSESSOR, Role.CHAIR}


class ApiKeyCreate(Schema):
    role: Role
    name: Name
    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = Field(
        default=None,
        description="Issue another key for an existing account (to rotate a key): what the "
        "account did stays its own. Its role and scope must be the account's. Omitted: the "
        "key gets a new account of its own, named as the key.",
    )


class ApiKeyRead(ReadSchema):
    id: uuid.UUID
    account_id: uuid.UUID = Field(description="The person or system the key belongs to.")
    role: Role
    name: str
    footprint_id: uuid.UUID | None
    round_id: uuid.UUID | None
    prefix: str = Field(description="The public part of the key, to tell keys apart.")
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret key. Shown in this response only.")
