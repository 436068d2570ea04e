"""The browser tests' tools: Chromium driven by Playwright, a signed-in page per demo role,
axe-core's WCAG 2.2 AA checks and the screenshots the README shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1200, "height": 900}

_axe = Axe()


def check_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 AA violation on the page as it stands."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()


def screenshot(page: Page, name: str) -> Path:
    """The whole page as docs/screenshots/<name>.png (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


@dataclass
class Pages:
    """Browser pages on the demo site; each opened in a context (cookies) of its own.

    Everything the browser reports as an error (console errors, uncaught exceptions, refused
    requests) is kept in `errors`; the fixture that hands this out asserts there were none.
    """

    browser: Browser
    base_url: str
    keys: dict[str, str]
    errors: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    # Pages the tests navigated to: a 403 or 404 page is an answer the test checks, not an
    # error of the page (Chromium logs each as a failed load).
    documents: set[str] = field(default_factory=set)

    def new(self) -> Page:
        """A page in a new context, signed in as nobody."""
        context = self.browser.new_context(base_url=self.base_url, viewport=VIEWPORT)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on(
            "response",
            lambda r: self.documents.add(r.url) if r.request.resource_type == "document" else None,
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def signed_in(self, role: str, path: str = "/app/") -> Page:
        """A new page signed in with the demo key named `role` (as `bpv demo` names them:
        "admin", "programme office QF7", "assessor Ayesha Rahman", "chair, round 2", ...),
        then at `path`."""
        page = self.new()
        sign_in(page, self.keys[role])
        if path != "/app/":
            page.goto(path)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def _console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and url in self.documents:
            return
        self.errors.append(f"{url}: {message.text}")


def api(base_url: str, key: str) -> httpx.Client:
    """A client of the demo site's JSON API holding `key`: to arrange a test, or to check
    through the API what a page's form stored."""
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"})


def sign_in(page: Page, key: str, next_path: str | None = None) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/app/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "Pages",
    "api",
    "check_accessible",
    "screenshot",
    "sign_in",
]
