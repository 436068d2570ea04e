"""Signing in to the pages with an API key, and out again, in a real browser."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.browser import Pages, check_accessible, screenshot, sign_in
from tests.web.conftest import DemoSite

pytestmark = pytest.mark.browser


def test_a_page_asks_for_sign_in_and_comes_back_after_it(pages: Pages) -> None:
    page = pages.new()
    page.goto("/app/my-bids")

    expect(page).to_have_url(re.compile(r"/app/sign-in\?next=/app/my-bids$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_accessible(page)
    screenshot(page, "sign-in")

    page.get_by_label("API key").fill(pages.keys["programme office QF7"])
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/app/my-bids$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_wrong_key_is_refused_on_the_form(pages: Pages) -> None:
    page = pages.new()

    sign_in(page, "bpv_000000000000_not-a-real-key")

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The API key is not valid")
    assert not [c for c in page.context.cookies() if c["name"] == "bpv_session"]
    check_accessible(page)


def test_the_session_cookie_is_httponly_strict_and_holds_no_key(pages: Pages) -> None:
    page = pages.signed_in("chair Gillian Marsh")

    cookie = next(c for c in page.context.cookies() if c["name"] == "bpv_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/app"
    assert cookie["value"] not in pages.keys["chair Gillian Marsh"]
    # Nothing reaches the page's scripts: no key and no session in storage or document.cookie.
    stored = page.evaluate(
        "() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]"
    )
    assert stored == ["", "{}", "{}"]


def test_sign_out_ends_the_session_on_the_server(pages: Pages, demo_site: DemoSite) -> None:
    page = pages.signed_in("programme office QWO", "/app/my-bids")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "bpv_session")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/app/sign-in\?signed_out=true$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    # The old cookie, sent again by hand, opens nothing.
    again = httpx.get(
        demo_site.url + "/app/my-bids", cookies={"bpv_session": token}, follow_redirects=False
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/app/sign-in?next=/app/my-bids"


def test_the_pages_run_no_inline_script_and_the_refusal_is_seen(pages: Pages) -> None:
    page = pages.new()
    page.goto("/app/sign-in")

    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            return window.injected === true;
        }"""
    )

    assert ran is False
    expect(page.locator("body")).to_have_class(re.compile("nhsuk-frontend-supported"))
    # The refusal reaches the console, where every test looks for errors.
    page.wait_for_timeout(100)
    assert any("Content Security Policy" in error for error in pages.errors), pages.errors
    pages.errors.clear()
