"""Every answer is a problem document, the unforeseen error too: a 500 that quotes a correlation id
(in the body, a header and the log line) and shows no trace; a 405 names every allowed method."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


def broken_handler() -> None:
    raise ZeroDivisionError("secret internals: division by zero in line 42")


@pytest.fixture
def app() -> FastAPI:
    app = create_app(Settings(database_url="sqlite://", secret_key="s"))
    app.add_api_route("/v1/broken", broken_handler)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # an exception escaping the app would be raised here
        yield client


def test_an_unexpected_error_is_a_500_problem_quoting_a_correlation_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.get("/v1/broken")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:bpv:problem:internal-error"
    correlation_id = response.headers["X-Request-ID"]
    assert problem["correlation_id"] == correlation_id
    assert correlation_id in problem["detail"]
    assert "secret internals" not in response.text
    logged = [r for r in caplog.records if correlation_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the trace goes to the log, with the id


def test_every_answer_carries_a_correlation_id_and_keeps_a_proxys(client: TestClient) -> None:
    mine = client.get("/healthz")
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-5f2c0a"})
    forged = client.get("/healthz", headers={"X-Request-ID": "a\tb"})

    assert len(mine.headers["X-Request-ID"]) == 32
    assert given.headers["X-Request-ID"] == "nginx-5f2c0a"
    assert forged.headers["X-Request-ID"] != "a\tb"


def test_a_405_lists_every_method_the_path_takes(client: TestClient) -> None:
    response = client.delete("/v1/bids/2b0f4c0e-93a1-4f6e-9b7e-1f1d2d7b3c11")

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:bpv:problem:method-not-allowed"
    assert response.headers["Allow"] == "GET, PATCH"


def test_a_405_on_a_collection_lists_both_its_methods(client: TestClient) -> None:
    response = client.put("/v1/rounds")

    assert response.headers["Allow"] == "GET, POST"
