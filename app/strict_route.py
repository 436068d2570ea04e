"""The route class every router uses: a request says exactly what it means, or is refused.

A body must be JSON (415 otherwise, with the type to send), parse cleanly (400 naming the line
and column), and name each key once (422: a repeated key would otherwise silently win). A query
parameter the operation does not take is refused with 422, as an unknown body field is.
"""

from __future__ import annotations

import email.message
import inspect
import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.utils import get_flat_params
from fastapi.params import Query
from fastapi.routing import APIRoute

from app.problems import (
    FieldError,
    MalformedJson,
    UnsupportedMediaType,
    ValidationFailed,
    problem_responses,
)

JSON_MEDIA_TYPE = "application/json"


class StrictRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The handler's docstring documents the operation: its first line is the summary.
        summary, _, description = inspect.cleandoc(endpoint.__doc__ or "").partition("\n\n")
        kwargs["summary"] = kwargs.get("summary") or summary.strip().rstrip(".") or None
        kwargs["description"] = kwargs.get("description") or description.strip() or None
        super().__init__(path, endpoint, **kwargs)
        if self.body_field is not None:
            self.responses = {415: problem_responses(415)[415], **self.responses}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None
        known_query = {
            field.alias
            for field in get_flat_params(self.dependant)
            if isinstance(field.field_info, Query)
        }

        async def strict_handler(request: Request) -> Response:
            _refuse_unknown_query(request, known_query)
            if takes_body:
                request = JsonRequest(request.scope, request.receive)
                body = await request.body()
                if body:
                    _require_json_media_type(request)
                    await request.json()  # parsed once, strictly, and cached for the handler
            return await handler(request)

        return strict_handler


class JsonRequest(Request):
    """A request whose JSON body is parsed strictly (see `parse_json`)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


def parse_json(body: bytes) -> Any:
    """The parsed body; malformed JSON answers 400 with its line and column."""
    try:
        return json.loads(body, object_pairs_hook=_object_without_repeated_keys)
    except json.JSONDecodeError as error:
        raise MalformedJson(
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}.",
            line=error.lineno,
            column=error.colno,
        ) from None
    except UnicodeDecodeError:
        raise MalformedJson("The body is not UTF-8 encoded JSON.") from None
    except RecursionError:
        raise MalformedJson("The JSON body is nested too deeply.") from None


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValidationFailed(
                f"The key '{key}' appears more than once in one JSON object.",
                errors=[
                    FieldError(
                        field=key,
                        location="body",
                        message="appears more than once in the same object",
                        type="duplicate_key",
                    )
                ],
            )
        seen[key] = value
    return seen


def _require_json_media_type(request: Request) -> None:
    given = request.headers.get("content-type")
    message = email.message.Message()
    message["content-type"] = given or ""
    subtype = message.get_content_subtype()
    if message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    ):
        return
    sent = f"'{given}'" if given else "no Content-Type"
    raise UnsupportedMediaType(
        f"The body must be JSON: send 'Content-Type: {JSON_MEDIA_TYPE}' (this request sent "
        f"{sent}).",
        headers={f"Accept-{request.method.title()}": JSON_MEDIA_TYPE},
    )


def _refuse_unknown_query(request: Request, known: set[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if not unknown:
        return
    takes = ", ".join(sorted(known)) or "no query parameters"
    raise ValidationFailed(
        f"Unknown query parameter(s): {', '.join(unknown)}; this operation takes {takes}.",
        errors=[
            FieldError(
                field=name,
                location="query",
                message="is not a query parameter of this operation",
                type="extra_forbidden",
            )
            for name in unknown
        ],
    )
