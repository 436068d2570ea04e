"""Who is looking at a page: the principal behind the browser's session cookie.

The cookie holds an opaque token (HttpOnly, SameSite=Strict, Secure over HTTPS); the server keeps
a digest of it (app/services/web_sessions.py). No live session sends the browser to sign in.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response

from app.auth import Principal
from app.deps import SessionDep, SettingsDep
from app.services.web_sessions import session_principal

COOKIE = "bpv_session"
PATH = "/app"
SIGN_IN = "/app/sign-in"


class SignInRequired(Exception):
    """The page needs a signed-in browser; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"{SIGN_IN}?next={quote(self.next_path, safe='/')}"


def local_path(candidate: str | None, default: str = "/app/") -> str:
    """`candidate` if it is a path of the pages on this site, else `default` (no open redirect)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    inside = parts.path == PATH or parts.path.startswith(PATH + "/")
    if parts.scheme or parts.netloc or "\\" in candidate or not inside:
        return default
    return candidate


def set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=PATH, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def set_session_cookie(
    request: Request, response: Response, token: str, expires_at: dt.datetime
) -> None:
    lifetime = int((expires_at - dt.datetime.now(dt.UTC)).total_seconds())
    set_cookie(request, response, COOKIE, token, max(lifetime, 0))


def page_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    """The signed-in principal; no (live) session → SignInRequired, back to this page after."""
    token = request.cookies.get(COOKIE)
    secret = settings.secret_key.get_secret_value()
    principal = session_principal(session, secret, token) if token else None
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(local_path(target))
    request.state.page_principal = principal
    return principal


PagePrincipalDep = Annotated[Principal, Depends(page_principal)]
