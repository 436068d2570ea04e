"""Issuing and revoking API keys: the one place a key is minted, for the API, the CLI and the demo.

A key belongs to an account; a new key for the same account keeps everything it did.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.auth import check_scope
from app.keys import mint_key
from app.problems import NotFound
from app.repositories.keys import ApiKeys
from app.repositories.places import Footprints
from app.schemas.keys import ApiKeyCreated, ApiKeyRead, Role
from app.tables import Account, ApiKey, Round, utcnow
from bpv.errors import InvalidInput


def issue_key(
    session: Session,
    server_secret: str,
    role: Role,
    name: str,
    footprint_id: uuid.UUID | None = None,
    round_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
) -> ApiKeyCreated:
    check_scope(role, footprint_id, round_id)
    keys = ApiKeys(session)
    if account_id is not None:
        account = keys.account(account_id)
        if account is None:
            raise InvalidInput(f"No account {account_id}.", "account_id")
        _check_same_scope(account, role, footprint_id, round_id)
    else:
        if footprint_id is not None and Footprints(session).get(footprint_id) is None:
            raise InvalidInput(f"No footprint {footprint_id}.", "footprint_id")
        if round_id is not None and session.get(Round, round_id) is None:
            raise InvalidInput(f"No round {round_id}.", "round_id")
        account = keys.add_account(
            Account(name=name, role=role, footprint_id=footprint_id, round_id=round_id)
        )
    minted = mint_key(server_secret)
    row = keys.add(
        ApiKey(
            account=account,
            prefix=minted.prefix,
            salt=minted.salt,
            digest=minted.digest,
            name=name,
        )
    )
    return ApiKeyCreated.model_validate({**key_fields(row), "key": minted.key})


def revoke_key(session: Session, key_id: uuid.UUID) -> None:
    """Refuse the key from now on; what its account did is kept. Revoking twice is harmless."""
    row = ApiKeys(session).get(key_id)
    if row is None:
        raise NotFound(f"No API key {key_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()


def key_read(row: ApiKey) -> ApiKeyRead:
    return ApiKeyRead.model_validate(key_fields(row))


def key_fields(row: ApiKey) -> dict[str, object]:
    account = row.account
    return {
        "id": row.id,
        "account_id": account.id,
        "role": account.role,
        "name": row.name,
        "footprint_id": account.footprint_id,
        "round_id": account.round_id,
        "prefix": row.prefix,
        "created_at": row.created_at,
        "revoked_at": row.revoked_at,
    }


def _check_same_scope(
    account: Account, role: Role, footprint_id: uuid.UUID | None, round_id: uuid.UUID | None
) -> None:
    for field, asked, held in (
        ("role", role, Role(account.role)),
        ("footprint_id", footprint_id, account.footprint_id),
        ("round_id", round_id, account.round_id),
    ):
        if asked != held:
            raise InvalidInput(
                f"account {account.id} holds {field} {held}; a new key of it must too", field
            )
