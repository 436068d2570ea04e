"""Headers every response carries: no caching unless a route says otherwise, no MIME sniffing;
and on the pages under /app/, a Content-Security-Policy that lets in this site's files alone."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGES = "/app"
STATIC = "/app/static/"

# No inline script or style, nothing from elsewhere (the pages work with no internet), no
# framing, forms posted only back here.
PAGES_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        page = path == PAGES or path.startswith(PAGES + "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if path.startswith(STATIC):
                    # The pages' scripts, styles and images hold no one's data.
                    headers.setdefault("Cache-Control", "public, max-age=3600")
                # Responses carry keys and bids' figures: no shared or browser cache keeps them.
                headers.setdefault("Cache-Control", "no-store")
                headers["X-Content-Type-Options"] = "nosniff"
                if page:
                    headers["Content-Security-Policy"] = PAGES_CSP
                    headers["X-Frame-Options"] = "DENY"
                    headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)
