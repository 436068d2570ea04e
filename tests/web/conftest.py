"""Browser test fixtures: the demo data served by `bpv serve`, Chromium, and pages on it.

Each test module gets a demo site of its own (its own database, the demo loaded in-process
so the keys of every demo role are known, and a server), so what one module's forms change
no other module sees. One Chromium serves the whole run. Without /usr/bin/chromium the tests
fail: they are never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from sqlalchemy.orm import Session

from app.db import make_engine
from app.demo import load_demo
from app.demo.load import KEY_PREFIX
from app.migrate import upgrade
from tests.conftest import SECRET
from tests.databases import fresh_database
from tests.live_server import live_server
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, Pages, api, check_accessible, screenshot

__all__ = ["DemoSite", "check_accessible", "screenshot"]


@dataclass(frozen=True)
class DemoSite:
    url: str
    database_url: str
    # Each demo role's key, by its name in `bpv demo`'s output less "demo ".
    keys: dict[str, str]

    def api(self, role: str) -> httpx.Client:
        """The JSON API as the demo role `role` (close it after use)."""
        return api(self.url, self.keys[role])


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    with fresh_database(tmp_path_factory.mktemp("site")) as url:
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            issued = load_demo(session, SECRET)
        engine.dispose()
        keys = {name.removeprefix(KEY_PREFIX): key for name, key in issued}
        with live_server(url, SECRET) as server:
            yield DemoSite(server.url, url, keys)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package", pytrace=False)
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def pages(browser: Browser, demo_site: DemoSite) -> Iterator[Pages]:
    """Pages on the module's demo site (`pages.new()`, `pages.signed_in(role)`); the test
    fails if any of them logged an error to the browser's console."""
    opened = Pages(browser, demo_site.url, demo_site.keys)
    yield opened
    opened.close()
    assert opened.errors == [], "the browser reported errors"
