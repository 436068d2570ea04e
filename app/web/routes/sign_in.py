"""Signing in with an API key, and out again (which ends the server-side session)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from app.deps import SessionDep, SettingsDep, client_address
from app.problems import TooManyRequests, Unauthorized
from app.services.web_sessions import end_session, open_session
from app.settings import Settings
from app.web.csrf import CsrfFormDep, form_token, verify_csrf
from app.web.session import (
    COOKIE,
    SIGN_IN,
    clear_cookie,
    local_path,
    set_cookie,
    set_session_cookie,
)
from app.web.templating import render

router = APIRouter(include_in_schema=False)

# The sign-in form's token is bound to this cookie's nonce (there is no session yet).
NONCE_COOKIE = "bpv_sign_in"
NONCE_SECONDS = 3600


def _form(
    request: Request,
    settings: Settings,
    next_path: str,
    *,
    error: str | None = None,
    status_code: int = 200,
    signed_out: bool = False,
) -> Response:
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = form_token(settings.secret_key.get_secret_value(), "sign-in", nonce)
    context = {
        "next": next_path,
        "error": error,
        "signed_out": signed_out,
        "lifetime_hours": round(settings.page_session_seconds / 3600),
    }
    response = render(request, "sign_in.html", context, status_code)
    set_cookie(request, response, NONCE_COOKIE, nonce, NONCE_SECONDS)
    return response


@router.get("/sign-in")
def sign_in_page(
    request: Request, settings: SettingsDep, next: str | None = None, signed_out: bool = False
) -> Response:
    return _form(request, settings, local_path(next), signed_out=signed_out)


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    secret = settings.secret_key.get_secret_value()
    nonce = request.cookies.get(NONCE_COOKIE, "")
    request.state.csrf_token = form_token(secret, "sign-in", nonce) if nonce else ""
    verify_csrf(request, csrf_token)
    target = local_path(next)
    if not key.strip():
        return _form(request, settings, target, error="Enter your API key", status_code=422)
    address = client_address(request)
    lifetime = dt.timedelta(seconds=settings.page_session_seconds)
    try:
        opened = open_session(
            session, secret, key, lifetime, request.app.state.failed_authentications, address
        )
    except Unauthorized:
        return _form(request, settings, target, error="The API key is not valid", status_code=401)
    except TooManyRequests as refused:
        return _form(request, settings, target, error=refused.detail, status_code=429)
    previous = request.cookies.get(COOKIE)
    if previous:
        end_session(session, secret, previous)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, opened.token, opened.expires_at)
    clear_cookie(request, response, NONCE_COOKIE)
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, _: CsrfFormDep
) -> Response:
    token = request.cookies.get(COOKIE, "")
    end_session(session, settings.secret_key.get_secret_value(), token)
    response = RedirectResponse(f"{SIGN_IN}?signed_out=true", status_code=303)
    clear_cookie(request, response, COOKIE)
    return response
