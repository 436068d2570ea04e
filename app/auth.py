"""Who is calling: the principal behind a bearer key, its role and its scope."""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.keys import key_matches, split_key
from app.problems import Forbidden, TooManyRequests, Unauthorized
from app.schemas.keys import FOOTPRINT_ROLES, ROUND_ROLES, Role
from app.tables import Account, ApiKey
from bpv.errors import InvalidInput


@dataclass(frozen=True)
class Principal:
    """The key a request came with, and the account behind it (who did what is the account)."""

    key_id: uuid.UUID
    role: Role
    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None

    @property
    def account(self) -> uuid.UUID:
        """The account that acts; every key has one (only in-process callers may lack it)."""
        if self.account_id is None:
            raise RuntimeError("this principal acts for no account")
        return self.account_id

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, *roles: Role) -> None:
        """403 unless the caller has one of `roles` (admins always may)."""
        if not self.is_admin and self.role not in roles:
            raise Forbidden(f"{self.role.key_phrase.capitalize()} may not do this.")

    def require_admin(self) -> None:
        self.require()


# Where a request's state records the prefix of the key it authenticated with (the rate limit
# counts a key on its own once it is known to be real; see app/rate_limit.py).
AUTHENTICATED_PREFIX = "authenticated_key_prefix"


def bearer_key(authorization: str | None) -> tuple[str, str] | None:
    """The (prefix, secret) of a well-formed `Bearer` key, else None."""
    scheme, _, token = (authorization or "").partition(" ")
    return split_key(token.strip()) if scheme.lower() == "bearer" else None


class FailedAuthentications:
    """Recent failed authentications per client address and per key prefix, in a sliding window.

    Once a subject has `limit` failures in the window, its attempts are refused with 429 before
    the database is asked, so guessing keys costs the guesser rather than the server.
    """

    # Bounds the memory a flood of made-up prefixes can take; the oldest subjects go first.
    MAX_SUBJECTS = 100_000

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, subjects: Sequence[str]) -> None:
        """429 with Retry-After if any subject has failed `limit` times within the window."""
        now = self.clock()
        with self._lock:
            waits = [
                times[0] + self.window - now
                for subject in subjects
                if (times := self._failures.get(subject)) is not None
                and len(times) >= self.limit
                and times[0] + self.window > now
            ]
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            raise TooManyRequests(
                f"Too many failed authentications; try again in {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )

    def record(self, subjects: Sequence[str]) -> None:
        now = self.clock()
        with self._lock:
            for subject in subjects:
                times = self._failures.pop(subject, None) or deque(maxlen=self.limit)
                times.append(now)
                self._failures[subject] = times
            while len(self._failures) > self.MAX_SUBJECTS:
                self._failures.popitem(last=False)


# Every request runs this: built once, of table columns (no ORM entity is needed from it).
_keys, _accounts = ApiKey.__table__, Account.__table__
KEY_LOOKUP = (
    select(
        _keys.c.id,
        _keys.c.salt,
        _keys.c.digest,
        _accounts.c.role,
        _accounts.c.footprint_id,
        _accounts.c.round_id,
        _accounts.c.id.label("account_id"),
    )
    .select_from(_keys.join(_accounts, _accounts.c.id == _keys.c.account_id))
    .where(_keys.c.prefix == bindparam("prefix"), _keys.c.revoked_at.is_(None))
)


def presented_key(
    authorization: str | None,
    failures: FailedAuthentications | None = None,
    address: str = "unknown",
) -> tuple[str, str]:
    """The (prefix, secret) of the key presented, if the caller may try one: 429 for an address
    or key failing too often, 401 for no key or a malformed one. Asks no database."""
    parts = bearer_key(authorization)
    subjects = [f"address:{address}"] + ([f"prefix:{parts[0]}"] if parts else [])
    if failures is not None and authorization is not None:
        failures.check(subjects)
    if parts is None:
        if failures is not None and authorization is not None:
            failures.record(subjects)
        raise Unauthorized("Send 'Authorization: Bearer <key>' with a valid API key.")
    return parts


def authenticate(
    session: Session,
    server_secret: str,
    authorization: str | None,
    failures: FailedAuthentications | None = None,
    address: str = "unknown",
) -> Principal:
    """The caller behind `authorization`.

    A presented key that fails counts against the client's address, and a real key's prefix
    against that key (someone guessing its secret); an address or key failing too often is
    refused before the lookup. No header at all is not an attempt: the rate limit bounds those.
    """
    prefix, secret = presented_key(authorization, failures, address)
    subjects = [f"address:{address}", f"prefix:{prefix}"]
    row = session.execute(KEY_LOOKUP, {"prefix": prefix}).one_or_none()
    if row is None or not key_matches(server_secret, row.salt, row.digest, secret):
        if failures is not None:
            # A made-up prefix counts against the address alone: counting it would only fill
            # memory, one entry per invented prefix.
            failures.record(subjects if row is not None else subjects[:1])
        raise Unauthorized("The API key is not valid.")
    key_id, _, _, role, footprint_id, round_id, account_id = row
    return Principal(key_id, Role(role), footprint_id, round_id, account_id)


def principal_of(key: ApiKey) -> Principal:
    """The principal acting through `key`: its account's role and scope."""
    account = key.account
    return Principal(key.id, Role(account.role), account.footprint_id, account.round_id, account.id)


def check_scope(role: Role, footprint_id: uuid.UUID | None, round_id: uuid.UUID | None) -> None:
    """A programme office or integration needs a footprint; a panel member needs a round."""
    if role in FOOTPRINT_ROLES:
        if footprint_id is None:
            raise InvalidInput(f"{role.key_phrase} is scoped to a footprint", "footprint_id")
        if round_id is not None:
            raise InvalidInput(f"{role.key_phrase} has no round", "round_id")
    elif role in ROUND_ROLES:
        if round_id is None:
            raise InvalidInput(f"{role.key_phrase} is scoped to a round", "round_id")
        if footprint_id is not None:
            raise InvalidInput(f"{role.key_phrase} has no footprint", "footprint_id")
    elif footprint_id is not None or round_id is not None:
        field = "footprint_id" if footprint_id is not None else "round_id"
        raise InvalidInput("an admin key has no scope", field)
