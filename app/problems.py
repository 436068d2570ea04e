"""RFC 9457 problem responses: every error the service answers with is built here."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from bpv.errors import BpvError, InfeasibleBudget, InvalidInput, InvalidTransition

PROBLEM_TYPE_BASE = "urn:bpv:problem:"
MEDIA_TYPE = "application/problem+json"
CORRELATION_HEADER = "X-Request-ID"

logger = logging.getLogger(__name__)

_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the failing field, e.g. `edges[2].source`.")
    location: str = Field(description="Where the field was: body, query, path or header.")
    message: str
    type: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """An error the web layer answers with a problem document."""

    status = 500
    slug = "internal-error"
    title = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extra = extra


class BadRequest(ProblemError):
    status = 400
    slug = "bad-request"
    title = "Bad request"


class Unauthorized(ProblemError):
    status = 401
    slug = "unauthorized"
    title = "Missing or invalid API key"


class Forbidden(ProblemError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this role"


class NotFound(ProblemError):
    status = 404
    slug = "not-found"
    title = "Not found"


class NotAcceptable(ProblemError):
    status = 406
    slug = "not-acceptable"
    title = "No representation the client accepts"


class Conflict(ProblemError):
    status = 409
    slug = "conflict"
    title = "Conflicts with the resource's current state"


class PreconditionFailed(ProblemError):
    status = 412
    slug = "precondition-failed"
    title = "The resource has changed"


class PayloadTooLarge(ProblemError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"


class ValidationFailed(ProblemError):
    status = 422
    slug = "validation-error"
    title = "The request is not valid"


class UnsupportedMediaType(ProblemError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class MalformedJson(ProblemError):
    status = 400
    slug = "malformed-json"
    title = "The body is not valid JSON"


class PreconditionRequired(ProblemError):
    status = 428
    slug = "precondition-required"
    title = "If-Match header required"


class InternalError(ProblemError):
    """An error nobody foresaw (the base class's 500)."""


class DatabaseUnavailable(ProblemError):
    status = 503
    slug = "database-unavailable"
    title = "The database is unavailable or busy"


class TooManyRequests(ProblemError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class ServerBusy(ProblemError):
    status = 503
    slug = "server-busy"
    title = "The server is busy"


# Statuses documented on every operation, so clients (and the fuzzing) know what to expect.
COMMON_ERROR_STATUSES = (400, 401, 403, 404, 413, 422, 429, 503)

_RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer"},
}
# Headers an answer of that status carries (README "Limits").
_STATUS_HEADERS: dict[int, dict[str, Any]] = {
    429: {
        "Retry-After": _RETRY_AFTER,
        "RateLimit-Policy": {
            "description": 'The quota, e.g. `"key";q=300;w=60` (draft-ietf-httpapi-ratelimit-'
            "headers); every answer carries it.",
            "schema": {"type": "string"},
        },
        "RateLimit": {
            "description": 'What is left of it, e.g. `"key";r=0;t=12`.',
            "schema": {"type": "string"},
        },
    },
    503: {"Retry-After": _RETRY_AFTER},
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "model": Problem,
            "content": {MEDIA_TYPE: {}},
            "description": _describe(status),
            **({"headers": _STATUS_HEADERS[status]} if status in _STATUS_HEADERS else {}),
        }
        for status in sorted({*COMMON_ERROR_STATUSES, *statuses})
    }


def internal_error(correlation_id: str) -> JSONResponse:
    """The answer to an error nobody foresaw: no trace, only the id that finds it in the log."""
    return problem_response(
        InternalError(
            f"Something went wrong on our side. Quote correlation id {correlation_id} when you "
            "report it.",
            correlation_id=correlation_id,
        )
    )


def _describe(status: int) -> str:
    for cls in ProblemError.__subclasses__():
        if cls.status == status:
            return cls.title
    return "Error"


def _response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [error.model_dump() for error in errors]
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem_response(exc: ProblemError) -> JSONResponse:
    """The answer to `exc`; middleware, which runs outside the handlers, sends it itself."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    headers.update(exc.headers)
    return _response(exc.status, exc.slug, exc.title, exc.detail, exc.errors, headers, **exc.extra)


def field_path(loc: Sequence[str | int]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        loc = list(error.get("loc", ()))
        location = (
            str(loc.pop(0)) if loc and loc[0] in {"body", "query", "path", "header"} else "body"
        )
        errors.append(
            FieldError(
                field=field_path(loc) or location,
                location=location,
                message=str(error.get("msg", "invalid")),
                type=str(error.get("type", "invalid")),
            )
        )
    return errors


def _is_missing_if_match(error: FieldError) -> bool:
    return error.location == "header" and error.field == "If-Match" and error.type == "missing"


def install(app: FastAPI) -> None:
    """Register the one place where exceptions become problem responses."""

    @app.exception_handler(ProblemError)
    def _problem_error(_: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(_is_missing_if_match(error) for error in errors):
            # RFC 6585: a write that must be conditional says so with 428, not a generic 422.
            return problem_response(
                PreconditionRequired(
                    "Send If-Match with the ETag from your last GET (or * to override "
                    "deliberately)."
                )
            )
        fields = ", ".join(sorted({e.field for e in errors}))
        return _response(
            422, "validation-error", ValidationFailed.title, f"Invalid: {fields}", errors
        )

    @app.exception_handler(InvalidInput)
    def _invalid_input(_: Request, exc: InvalidInput) -> JSONResponse:
        field = exc.field or "body"
        error = FieldError(field=field, location="body", message=exc.message, type="domain")
        return _response(422, "validation-error", ValidationFailed.title, exc.message, [error])

    @app.exception_handler(InvalidTransition)
    def _invalid_transition(_: Request, exc: InvalidTransition) -> JSONResponse:
        return _response(409, "invalid-transition", "Not allowed in the current state", str(exc))

    @app.exception_handler(InfeasibleBudget)
    def _infeasible(_: Request, exc: InfeasibleBudget) -> JSONResponse:
        return _response(422, "infeasible-budget", "No selection fits the budget", str(exc))

    @app.exception_handler(BpvError)
    def _domain_error(_: Request, exc: BpvError) -> JSONResponse:
        return _response(422, "domain-error", "The request breaks a rule of the method", str(exc))

    @app.exception_handler(StaleDataError)
    def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return _response(
            412,
            "precondition-failed",
            PreconditionFailed.title,
            "Another request changed this resource first; fetch it again and retry.",
        )

    @app.exception_handler(RecursionError)
    def _too_deep(_: Request, exc: RecursionError) -> JSONResponse:
        return _response(
            400, "bad-request", BadRequest.title, "The JSON body is nested too deeply."
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    def _database_trouble(request: Request, exc: Exception) -> JSONResponse:
        # Refused or timed-out connections, a full pool, a statement or lock wait cut short,
        # SQLite's "database is locked": trouble that passes, so the client is told to retry.
        retry_after = request.app.state.settings.retry_after_seconds
        cause = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        logger.warning(
            "database trouble answering %s %s (correlation id %s): %s",
            request.method,
            request.url.path,
            correlation_id(request),
            cause,
        )
        return problem_response(
            DatabaseUnavailable(
                f"The database did not answer in time or refused; retry after {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
            )
        )

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        detail = str(exc.detail)
        path = request.url.path
        if exc.status_code == 404 and len(path) > 1 and path.endswith("/"):
            detail = f"No such path: paths take no trailing slash (try {path.rstrip('/')})."
        return _response(exc.status_code, slug, str(exc.detail), detail, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (Starlette names only the first).

    Each method is tried against the routes as the router would, so included routers count.
    """
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)
