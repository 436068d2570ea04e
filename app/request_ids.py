"""A correlation id on every request and response, and the last-resort 500 problem that quotes it.

An error nobody foresaw is logged with its trace under the id; the client gets the id, not the
trace.
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.problems import CORRELATION_HEADER, internal_error

logger = logging.getLogger(__name__)

# An id set by a reverse proxy is kept when it is short and plain enough to log safely.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (
            dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode(), b"").decode("latin-1")
        )
        correlation_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception(
                "unexpected error answering %s %s (correlation id %s)",
                scope.get("method"),
                scope.get("path"),
                correlation_id,
            )
            if started:
                raise  # too late for a problem document: let the server drop the connection
            await internal_error(correlation_id)(scope, receive, send_with_id)
