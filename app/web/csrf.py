"""Cross-site request forgery: every form carries a token bound to the browser's session (or,
before sign-in, to a nonce cookie), checked on every POST; a missing or wrong one answers 403."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Form, Request

from app.problems import Forbidden
from app.web.session import COOKIE, PagePrincipalDep

# The hidden field every form carries.
FIELD = "csrf_token"


def form_token(server_secret: str, purpose: str, value: str) -> str:
    """The token a form carries for `value` (the session's token, or the sign-in nonce)."""
    message = f"csrf:{purpose}:{value}".encode()
    return hmac.new(server_secret.encode(), message, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry: set for the request (the sign-in page's), else
    the session's, else none."""
    given: str | None = getattr(request.state, "csrf_token", None)
    if given:
        return given
    session_token = request.cookies.get(COOKIE)
    if not session_token:
        return ""
    return form_token(
        request.app.state.settings.secret_key.get_secret_value(), "session", session_token
    )


def verify_csrf(request: Request, token: str) -> None:
    """403 unless `token` is the one this browser's forms were given."""
    expected = csrf_token(request)
    if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
        raise Forbidden(
            "This form was not sent from this site's current page: reload the page and try again."
        )


def _check_form(
    request: Request, _: PagePrincipalDep, csrf_token: Annotated[str, Form()] = ""
) -> None:
    verify_csrf(request, csrf_token)


# Every POST of a signed-in page takes it: a live session, and the form's token for it.
CsrfFormDep = Annotated[None, Depends(_check_form)]
