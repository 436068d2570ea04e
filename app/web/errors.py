"""Errors on the pages answer as pages: a sign-in redirect, or a page saying what went wrong
(404 for what the caller may not see, 403 for what its role may not do), never problem+json."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.problems import ProblemError
from app.web.session import PATH, SignInRequired
from app.web.templating import render
from bpv.errors import InvalidInput

TITLES = {
    403: "You cannot do this",
    404: "Page not found",
    405: "Page not found",
    409: "Not possible now",
    422: "There is a problem",
    429: "Too many attempts",
}


def is_page(request: Request) -> bool:
    return request.url.path == PATH or request.url.path.startswith(PATH + "/")


def error_page(request: Request, status: int, detail: str) -> Response:
    title = TITLES.get(status, "Sorry, there is a problem with the service")
    return render(request, "error.html", {"title": title, "detail": detail}, status)


def install(app: FastAPI) -> None:
    """Answer the pages' errors as pages; the API's keep the handlers `app.problems` set."""

    @app.exception_handler(SignInRequired)
    def _sign_in(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    def for_pages(
        original: Callable[[Request, Any], Any], describe: Callable[[Any], tuple[int, str]]
    ) -> Callable[[Request, Any], Any]:
        async def handler(request: Request, exc: Any) -> Any:
            if not is_page(request):
                answer = original(request, exc)
                return await answer if inspect.isawaitable(answer) else answer
            status, detail = describe(exc)
            return error_page(request, status, detail)

        return handler

    def problem(exc: ProblemError) -> tuple[int, str]:
        return exc.status, exc.detail

    def http(exc: StarletteHTTPException) -> tuple[int, str]:
        if exc.status_code in (404, 405):
            return 404, "If you typed the web address, check it is correct."
        return exc.status_code, str(exc.detail)

    def invalid(exc: InvalidInput) -> tuple[int, str]:
        return 422, exc.message

    def malformed(_: RequestValidationError) -> tuple[int, str]:
        # A page's parameters are in its address (`/app/footprints/not-an-id`).
        return 404, "If you typed the web address, check it is correct."

    for kind, describe in (
        (ProblemError, problem),
        (StarletteHTTPException, http),
        (InvalidInput, invalid),
        (RequestValidationError, malformed),
    ):
        app.exception_handlers[kind] = for_pages(app.exception_handlers[kind], describe)
