"""Issuing API keys: the one place a key is minted, for the API, the CLI and the demo."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.auth import check_scope
from app.keys import mint_key
from app.repositories.keys import ApiKeys
from app.repositories.places import Footprints
from app.schemas.keys import ApiKeyCreated, Role
from app.tables import ApiKey, Round
from bpv.errors import InvalidInput


def issue_key(
    session: Session,
    server_secret: str,
    role: Role,
    name: str,
    footprint_id: uuid.UUID | None = None,
    round_id: uuid.UUID | None = None,
) -> ApiKeyCreated:
    check_scope(role, footprint_id, round_id)
    if footprint_id is not None and Footprints(session).get(footprint_id) is None:
        raise InvalidInput(f"No footprint {footprint_id}.", "footprint_id")
    if round_id is not None and session.get(Round, round_id) is None:
        raise InvalidInput(f"No round {round_id}.", "round_id")
    minted = mint_key(server_secret)
    row = ApiKeys(session).add(
        ApiKey(
            prefix=minted.prefix,
            salt=minted.salt,
            digest=minted.digest,
            role=role,
            name=name,
            footprint_id=footprint_id,
            round_id=round_id,
        )
    )
    return ApiKeyCreated.model_validate({**_fields(row), "key": minted.key})


def _fields(row: ApiKey) -> dict[str, object]:
    return {
        name: getattr(row, name)
        for name in (
            "id",
            "role",
            "name",
            "footprint_id",
            "round_id",
            "prefix",
            "created_at",
            "revoked_at",
        )
    }
