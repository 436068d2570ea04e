"""A database that refuses or never answers is answered 503 with Retry-After, never waited on."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.keys import mint_key
from app.main import create_app
from app.settings import Settings
from tests.live_server import free_port

# Run alone, not beside other tests: timeouts are asserted in seconds.
pytestmark = pytest.mark.timing

# Well formed, so the service has to ask the database about it.
KEY = mint_key("any secret").key


@pytest.fixture
def refusing_database() -> str:
    """Nothing listens on this port: every connection is refused at once."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bpv"


@pytest.fixture
def silent_database() -> Iterator[str]:
    """A listener that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes the handshakes; nobody ever reads
        yield f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/bpv"


def serve(database_url: str) -> TestClient:
    settings = Settings(database_url=database_url, secret_key="s", database_connect_timeout=2)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.mark.parametrize("database", ["refusing_database", "silent_database"])
def test_a_keyed_request_is_answered_503_with_retry_after(
    database: str, request: pytest.FixtureRequest
) -> None:
    with serve(request.getfixturevalue(database)) as client:
        started = time.monotonic()
        response = client.get("/v1/rounds", headers={"Authorization": f"Bearer {KEY}"})
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:bpv:problem:database-unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert elapsed < 5  # the 2 s connect timeout, not the driver's default of minutes


@pytest.mark.parametrize("database", ["refusing_database", "silent_database"])
def test_healthz_says_the_database_is_down_within_a_second(
    database: str, request: pytest.FixtureRequest
) -> None:
    with serve(request.getfixturevalue(database)) as client:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "down"}
    assert elapsed < 1
