"""Dependencies shared by the routers: settings, the request's transaction, the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from app.auth import AUTHENTICATED_PREFIX, Principal, authenticate, bearer_key
from app.repositories.pages import (
    CURSOR_PATTERN,
    MAX_CURSOR_LENGTH,
    Fetched,
    Window,
    slice_page,
)
from app.schemas.common import Page
from app.services.idempotency import Idempotency
from app.settings import Settings

T = TypeVar("T")


# Cheap dependencies are coroutines: a plain function would cost a trip to the threadpool.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Methods that change nothing: their transaction takes no write lock.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def reads_only(request: Request) -> None:
    """Declare that a route stores nothing whatever its method (a preview computed on a POST).

    Put it in the route decorator's `dependencies`, which FastAPI solves before the session.
    """
    request.state.reads_only = True


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the handler succeeds, else rolled back.

    The dependency has function scope, so the commit runs after the handler returns and before
    the response is sent: a client told 2xx holds a committed write, and a commit that fails
    answers with an error instead. A reading transaction ends on the event loop (its commit
    writes nothing); a writing one ends in the threadpool, as its commit may wait for the disk.
    """
    request.state.writes = not (
        request.method in READING_METHODS or getattr(request.state, "reads_only", False)
    )
    if not request.state.writes:
        with request.app.state.read_sessionmaker.begin() as session:
            yield session
    else:
        async with contextmanager_in_threadpool(request.app.state.sessionmaker.begin()) as session:
            yield session


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    return principal_of(request, session, settings, authorization)


def client_address(request: Request) -> str:
    """Where the request came from, as failed authentications are counted."""
    return request.client.host if request.client else "unknown"


def principal_of(
    request: Request, session: Session, settings: Settings, authorization: str | None
) -> Principal:
    """The caller of `request`, looked up in `session` (see `app.auth.authenticate`)."""
    address = client_address(request)
    failures = request.app.state.failed_authentications
    secret = settings.secret_key.get_secret_value()
    state = request.app.state
    if request.state.writes and session.get_bind().dialect.name == "sqlite":
        # A writer on SQLite holds the database's one write lock from its first statement to
        # its commit: looking the key up in a reading transaction of its own keeps the lock
        # for the work that needs it.
        with state.read_sessionmaker() as reading:
            principal = authenticate(reading, secret, authorization, failures, address)
    else:
        principal = authenticate(session, secret, authorization, failures, address)
    key = bearer_key(authorization)
    if key is not None:  # always, once authenticated
        setattr(request.state, AUTHENTICATED_PREFIX, key[0])
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        pattern=CURSOR_PATTERN,
        description="The `next_cursor` of the page before: the page after it.",
    ),
]
WithTotal = Annotated[
    bool, Query(alias="total", description="Count the list's items into `total` (a query more).")
]
Offset = Annotated[
    int, Query(ge=0, le=1_000_000_000, description="Items to skip (`cursor` is cheaper).")
]


class PageParams:
    def __init__(self, window: Window) -> None:
        self.window = window

    @property
    def limit(self) -> int:
        return self.window.limit

    @property
    def offset(self) -> int:
        return self.window.offset

    def answer(self, items: list[T], fetched: Fetched[Any]) -> Page[T]:
        """The page of `items`, read from the rows `fetched`."""
        return page_of(items, self.window, fetched)

    def of(self, items: list[T]) -> Page[T]:
        """A page of a short list already in memory (a bid's versions or hypotheses)."""
        fetched = slice_page(items, self.window)
        return page_of(fetched.rows, self.window, fetched)


def page_of(items: list[T], window: Window, fetched: Fetched[Any]) -> Page[T]:
    return Page(
        items=items,
        limit=window.limit,
        offset=window.offset,
        next_cursor=fetched.next_cursor,
        total=fetched.total,
    )


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    cursor: Cursor = None,
    offset: Offset = 0,
    with_total: WithTotal = False,
) -> PageParams:
    # A coroutine: a class dependency's __init__ would run in the threadpool.
    return PageParams(Window(limit, offset, cursor, with_total))


PageDep = Annotated[PageParams, Depends(page_params)]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag from your last GET; when given, it must match."),
]
# Without it the answer is 428 Precondition Required (see `problems`), not a generic 422.
IfMatchRequired = Annotated[
    str,
    Header(
        alias="If-Match",
        description="ETag from your last GET (`*` overrides deliberately); 428 without it.",
    ),
]


async def get_idempotency(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="Retries with the same key get the first response and store nothing new.",
        ),
    ] = None,
) -> Idempotency:
    body = await request.body()
    return Idempotency(session, principal, key, request.method, request.url.path, body)


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
