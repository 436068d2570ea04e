"""Minting and checking API keys: shown once, stored as a salted HMAC with the server's secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "bpv"


@dataclass(frozen=True)
class MintedKey:
    key: str
    prefix: str
    salt: str
    digest: str


def mint_key(server_secret: str) -> MintedKey:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    return MintedKey(
        f"{KEY_PREFIX}_{prefix}_{secret}", prefix, salt, _digest(server_secret, salt, secret)
    )


def split_key(key: str) -> tuple[str, str] | None:
    """The (prefix, secret) of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def key_matches(server_secret: str, salt: str, digest: str, secret: str) -> bool:
    return hmac.compare_digest(_digest(server_secret, salt, secret), digest)


def _digest(server_secret: str, salt: str, secret: str) -> str:
    return hmac.new(server_secret.encode(), (salt + secret).encode(), hashlib.sha256).hexdigest()
