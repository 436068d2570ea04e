"""Reads that run in one trip to a few threads of their own: the key's check, then the work.

A reading request used to go to the threadpool twice (the key, then the handler), on the
threads every request shares. Under load, the threads then spend much of their time handing
the interpreter's lock to each other: on SQLite the database runs in this process and lets go
of the lock around every row. A few threads for reads, taken once per request, do the same
work in less time (README "Benchmarks"); writes keep the shared threads, where one may wait for
SQLite's write lock without holding up the reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Header, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.auth import Principal, presented_key
from app.deps import SessionDep, SettingsDep, client_address, principal_of
from app.settings import Settings

T = TypeVar("T")

# Reads on SQLite are the interpreter's work (readers never wait for a lock in WAL mode); on
# PostgreSQL they wait for the server, and a few more threads overlap those waits.
DEFAULT_READ_THREADS = {"sqlite": 2, "postgresql": 8}


def read_limiter(engine: Engine, settings: Settings) -> anyio.CapacityLimiter:
    """The app's threads for reads (made in its lifespan, on the event loop)."""
    threads = settings.read_threads or DEFAULT_READ_THREADS.get(engine.dialect.name, 8)
    return anyio.CapacityLimiter(threads)


class Reader:
    """Runs a reading handler's work, with the request's session and its caller."""

    def __init__(
        self, request: Request, session: Session, settings: Settings, authorization: str | None
    ) -> None:
        self.request = request
        self.session = session
        self.settings = settings
        self.authorization = authorization

    async def __call__(self, work: Callable[[Session, Principal], T]) -> T:
        """`work` once the caller is known (401 before it runs otherwise)."""

        def authenticated_work() -> T:
            caller = principal_of(self.request, self.session, self.settings, self.authorization)
            return work(self.session, caller)

        limiter: anyio.CapacityLimiter = self.request.app.state.read_limiter
        return await anyio.to_thread.run_sync(authenticated_work, limiter=limiter)


async def get_reader(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Reader:
    # No key, a malformed one, or a caller failing too often is refused here, before the
    # parameters are checked, as on every other route (no database is asked).
    failures = request.app.state.failed_authentications
    presented_key(authorization, failures, client_address(request))
    return Reader(request, session, settings, authorization)


ReaderDep = Annotated[Reader, Depends(get_reader)]
