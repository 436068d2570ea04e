"""Per-key request rate limit: token buckets in process, answered with the IETF RateLimit fields.

A key is counted on its own once it has authenticated; until then (no key, a malformed or a
made-up one) requests count against the client's address, so a flood of bad keys cannot evade it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import AUTHENTICATED_PREFIX, bearer_key
from app.problems import TooManyRequests, problem_response

EXEMPT_PATHS = frozenset({"/healthz"})


@dataclass
class TokenBucket:
    """`capacity` requests at once, refilled continuously at `rate` per second."""

    capacity: int
    rate: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def available(self, now: float) -> float:
        self.refill(now)
        return self.tokens

    def seconds_to_next(self) -> int:
        return max(1, math.ceil((1 - self.tokens) / self.rate))

    def seconds_to_full(self) -> int:
        return math.ceil((self.capacity - self.tokens) / self.rate)


class RateLimit:
    """ASGI middleware: `requests` per `window_seconds` per key, in bursts of up to `requests`.

    Every answer carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-
    headers); a request over the limit is answered 429 problem+json with `Retry-After`.
    """

    def __init__(
        self,
        app: ASGIApp,
        requests: int,
        window_seconds: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.requests = requests
        self.window = window_seconds
        self.rate = requests / window_seconds
        self.clock = clock
        self.keys: dict[str, TokenBucket] = {}
        self.addresses: dict[str, TokenBucket] = {}
        self.swept = clock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        now = self.clock()
        self._sweep(now)
        key = bearer_key(dict(scope["headers"]).get(b"authorization", b"").decode("latin-1"))
        prefix = key[0] if key else None
        client = scope.get("client")
        address = self._bucket(self.addresses, client[0] if client else "unknown", now)
        own = self.keys.get(prefix) if prefix else None
        # A known prefix may yet come with a wrong secret, and then counts against the address
        # (below), so the address must have room as well.
        short = [bucket for bucket in (own, address) if bucket and bucket.available(now) < 1]
        if short:
            await self._refuse(scope, receive, send, short[0] is address, short[0])
            return
        charged = own or address
        charged.tokens -= 1
        state = scope.setdefault("state", {})

        async def send_with_fields(message: Message) -> None:
            nonlocal charged
            if message["type"] == "http.response.start":
                # A request counts against its key only if it authenticated with it, else
                # against the address: knowing a key's public prefix does not spend its quota.
                if prefix is not None and state.get(AUTHENTICATED_PREFIX) == prefix:
                    owner = self._bucket(self.keys, prefix, now)
                else:
                    owner = address
                if owner is not charged:
                    charged.tokens = min(charged.capacity, charged.tokens + 1)
                    owner.tokens = max(0.0, owner.tokens - 1)
                    charged = owner
                self._advertise(MutableHeaders(scope=message), charged is address, charged)
            await send(message)

        await self.app(scope, receive, send_with_fields)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, by_address: bool, bucket: TokenBucket
    ) -> None:
        wait = bucket.seconds_to_next()
        refusal = TooManyRequests(
            f"More than {self.requests} requests in {self.window} s; try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
        response = problem_response(refusal)
        self._advertise(response.headers, by_address, bucket)
        await response(scope, receive, send)

    def _advertise(self, headers: MutableHeaders, by_address: bool, bucket: TokenBucket) -> None:
        policy = "address" if by_address else "key"
        headers["RateLimit-Policy"] = f'"{policy}";q={self.requests};w={self.window}'
        headers["RateLimit"] = f'"{policy}";r={int(bucket.tokens)};t={bucket.seconds_to_full()}'

    def _full(self, now: float) -> TokenBucket:
        return TokenBucket(self.requests, self.rate, float(self.requests), now)

    def _bucket(self, buckets: dict[str, TokenBucket], name: str, now: float) -> TokenBucket:
        if name not in buckets:
            buckets[name] = self._full(now)
        return buckets[name]

    def _sweep(self, now: float) -> None:
        """Once a window, forget buckets that have refilled: they hold nothing a new one lacks."""
        if now - self.swept < self.window:
            return
        self.swept = now
        for buckets in (self.keys, self.addresses):
            for name, bucket in list(buckets.items()):
                bucket.refill(now)
                if bucket.tokens >= bucket.capacity:
                    del buckets[name]
