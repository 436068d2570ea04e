"""The pages' sessions and forms without a browser: redirects to sign in, the cookie, what the
server keeps, the end of a session, cross-site request forgery refused, the API unchanged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.schemas.keys import Role
from app.services.keys import issue_key
from app.services.web_sessions import token_digest
from app.tables import WebSession
from app.web.session import local_path
from tests.conftest import SECRET


@pytest.fixture
def browser(client: TestClient) -> TestClient:
    """A client of the app with cookies of its own, as one browser has (the shared client's
    lifespan serves it: entering this one would start another)."""
    return TestClient(client.app, follow_redirects=False)


def key_of(engine: Engine, role: Role = Role.ADMIN) -> tuple[str, str]:
    """A new key of `role` (admin by default) and its id."""
    with Session(engine) as session, session.begin():
        issued = issue_key(session, SECRET, role, f"test {role.value}")
    return issued.key, str(issued.id)


def form_token(browser: TestClient, path: str = "/app/sign-in") -> str:
    page = browser.get(path)
    found = re.search(r'name="csrf_token" value="([^"]*)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def sign_in(browser: TestClient, key: str, next_path: str = "/app/") -> str:
    """Sign in through the form; the session cookie's token."""
    token = form_token(browser)
    answer = browser.post("/app/sign-in", data={"key": key, "csrf_token": token, "next": next_path})
    assert answer.status_code == 303, answer.text
    return answer.cookies["bpv_session"]


def test_a_page_without_a_session_sends_the_browser_to_sign_in_and_back(
    browser: TestClient,
) -> None:
    answer = browser.get("/app/footprints?page=2")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in?next=/app/footprints%3Fpage%3D2"


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/app/assess", "/app/assess"),
        ("/app/footprints/x?page=2", "/app/footprints/x?page=2"),
        ("/app", "/app"),
        ("//evil.example/app/", "/app/"),
        ("https://evil.example/app/", "/app/"),
        ("/\\evil.example/app/", "/app/"),
        ("/app\\..\\v1", "/app/"),
        ("/application", "/app/"),
        ("/v1/bids", "/app/"),
        ("app/assess", "/app/"),
        ("", "/app/"),
        (None, "/app/"),
    ],
)
def test_only_a_page_of_this_site_is_a_place_to_return_to(
    candidate: str | None, expected: str
) -> None:
    assert local_path(candidate) == expected


def test_signing_in_sets_an_httponly_strict_cookie_and_returns_to_the_page(
    browser: TestClient, engine: Engine
) -> None:
    key, _ = key_of(engine)
    token = form_token(browser)

    answer = browser.post(
        "/app/sign-in", data={"key": key, "csrf_token": token, "next": "/app/footprints"}
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/footprints"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "bpv_session=" in c)
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= flags
    assert "samesite=strict" in cookie.lower() and "path=/app" in cookie.lower()
    assert "secure" not in flags  # served over plain HTTP here
    assert key not in cookie


def test_over_https_the_cookie_is_secure(client: TestClient, engine: Engine) -> None:
    key, _ = key_of(engine)
    tls = TestClient(client.app, base_url="https://testserver", follow_redirects=False)
    answer = tls.post("/app/sign-in", data={"key": key, "csrf_token": form_token(tls)})

    cookie = next(c for c in answer.headers.get_list("set-cookie") if "bpv_session=" in c)
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_an_evil_next_lands_on_the_start_page(browser: TestClient, engine: Engine) -> None:
    key, _ = key_of(engine)
    token = form_token(browser)

    answer = browser.post(
        "/app/sign-in",
        data={"key": key, "csrf_token": token, "next": "https://evil.example/app/"},
    )

    assert answer.headers["location"] == "/app/"


def test_the_server_keeps_a_digest_of_the_session_token_not_the_token(
    browser: TestClient, engine: Engine
) -> None:
    key, key_id = key_of(engine)
    token = sign_in(browser, key)

    with Session(engine) as session:
        rows = session.scalars(select(WebSession)).all()
    assert [(str(r.api_key_id), r.token_digest) for r in rows] == [
        (key_id, token_digest(SECRET, token))
    ]
    assert token not in rows[0].token_digest


def test_a_wrong_key_is_refused_and_opens_no_session(browser: TestClient) -> None:
    token = form_token(browser)

    answer = browser.post(
        "/app/sign-in", data={"key": "bpv_000000000000_wrong", "csrf_token": token}
    )

    assert answer.status_code == 401
    assert "The API key is not valid" in answer.text
    assert "bpv_session" not in answer.cookies


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_the_sign_in_form_needs_its_own_token(
    browser: TestClient, engine: Engine, token: str | None
) -> None:
    key, _ = key_of(engine)
    form_token(browser)  # the nonce cookie is set; the form's token is not sent back
    data = {"key": key} | ({} if token is None else {"csrf_token": token})

    answer = browser.post("/app/sign-in", data=data)

    assert answer.status_code == 403
    assert "bpv_session" not in answer.cookies


def test_a_sign_in_token_from_another_browser_is_refused(
    browser: TestClient, client: TestClient, engine: Engine
) -> None:
    key, _ = key_of(engine)
    theirs = form_token(TestClient(client.app, follow_redirects=False))
    form_token(browser)

    answer = browser.post("/app/sign-in", data={"key": key, "csrf_token": theirs})

    assert answer.status_code == 403


def test_revoking_the_key_ends_the_session(
    browser: TestClient, client: TestClient, engine: Engine
) -> None:
    key, key_id = key_of(engine)
    admin, _ = key_of(engine)
    sign_in(browser, key)
    assert browser.get("/app/footprints").status_code == 200

    revoked = client.delete(f"/v1/api-keys/{key_id}", headers={"Authorization": f"Bearer {admin}"})

    assert revoked.status_code == 204
    assert browser.get("/app/footprints").status_code == 303


def test_an_expired_session_asks_to_sign_in_again(browser: TestClient, engine: Engine) -> None:
    key, _ = key_of(engine)
    sign_in(browser, key)
    with Session(engine) as session, session.begin():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.execute(update(WebSession).values(expires_at=past))

    assert browser.get("/app/footprints").status_code == 303


def test_signing_out_needs_the_form_token_and_ends_the_session(
    browser: TestClient, engine: Engine
) -> None:
    key, _ = key_of(engine)
    sign_in(browser, key)

    refused = browser.post("/app/sign-out", data={"csrf_token": "0" * 64})
    assert refused.status_code == 403
    assert browser.get("/app/footprints").status_code == 200

    token = form_token(browser, "/app/footprints")
    answer = browser.post("/app/sign-out", data={"csrf_token": token})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in?signed_out=true"
    assert 'bpv_session=""' in answer.headers["set-cookie"]
    with Session(engine) as session:
        assert session.scalars(select(WebSession)).all() == []
    browser.cookies.clear()


def test_a_role_with_no_pages_is_told_so(browser: TestClient, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        from app.schemas.places import FootprintCreate
        from app.services.places import add_footprint

        place = add_footprint(session, FootprintCreate(code="QXX", name="X", population=1))
        key = issue_key(session, SECRET, Role.INTEGRATION, "feed", footprint_id=place.id).key
    sign_in(browser, key)

    answer = browser.get("/app/")

    assert answer.status_code == 403
    assert "No pages for this key" in answer.text


@pytest.mark.parametrize("path", ["/app/sign-in", "/app/nowhere", "/app/static/pages.js"])
def test_the_pages_allow_this_sites_files_alone(browser: TestClient, path: str) -> None:
    answer = browser.get(path)

    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/app/nowhere", "/app/footprints/not-an-id"])
def test_a_page_not_found_is_a_page(browser: TestClient, engine: Engine, path: str) -> None:
    sign_in(browser, key_of(engine)[0])

    answer = browser.get(path)

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/healthz", "/v1/rounds", "/v1/nowhere", "/openapi.json"])
def test_the_api_keeps_its_own_headers(client: TestClient, path: str) -> None:
    answer = client.get(path)

    assert "content-security-policy" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    assert not answer.headers["content-type"].startswith("text/html")


def test_the_pages_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert [p for p in paths if p.startswith("/app")] == []
