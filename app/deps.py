"""Dependencies shared by the routers: settings, the request's transaction, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Query, Request
from sqlalchemy.orm import Session

from app.auth import AUTHENTICATED_PREFIX, Principal, authenticate, bearer_key
from app.schemas.common import Page
from app.services.idempotency import Idempotency
from app.settings import Settings

T = TypeVar("T")


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Methods that change nothing: their transaction takes no write lock.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only(request: Request) -> None:
    """Declare that a route stores nothing whatever its method (a preview computed on a POST).

    Put it in the route decorator's `dependencies`, which FastAPI solves before the session.
    """
    request.state.reads_only = True


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler succeeds, else rolled back.

    The dependency has function scope, so the commit runs after the handler returns and before
    the response is sent: a client told 2xx holds a committed write, and a commit that fails
    answers with an error instead.
    """
    reading = request.method in READING_METHODS or getattr(request.state, "reads_only", False)
    factory = request.app.state.read_sessionmaker if reading else request.app.state.sessionmaker
    with factory.begin() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    address = request.client.host if request.client else "unknown"
    failures = request.app.state.failed_authentications
    secret = settings.secret_key.get_secret_value()
    principal = authenticate(session, secret, authorization, failures, address)
    key = bearer_key(authorization)
    if key is not None:  # always, once authenticated
        setattr(request.state, AUTHENTICATED_PREFIX, key[0])
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class PageParams:
    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")] = 0,
    ) -> None:
        self.limit = limit
        self.offset = offset

    def of(self, items: list[T]) -> Page[T]:
        """A page of a short list already in memory (a bid's versions or hypotheses)."""
        window = items[self.offset : self.offset + self.limit]
        return Page(items=window, total=len(items), limit=self.limit, offset=self.offset)


PageDep = Annotated[PageParams, Depends()]
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
