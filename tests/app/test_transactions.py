"""The request's transaction: a failed commit is never answered 2xx, and on SQLite readers never
wait for a writer while a writer that cannot have the lock in time is answered 503."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from app.main import create_app
from app.settings import Settings
from tests.app.conftest import Caller

# Run alone, not beside other tests: a read must answer within a second while a write holds
# the lock.
pytestmark = pytest.mark.timing

ROUND = {"name": "Transformation 2017/18", "programme_areas": ["diabetes"]}


class DiskFull(Exception):
    """Stands for whatever makes a database refuse a commit."""


@pytest.fixture
def failing_commits(client: TestClient) -> Iterator[list[type[Exception]]]:
    """While the list holds an exception class, every commit of the app's engine raises it."""
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    faults: list[type[Exception]] = []

    def fail(_connection: Any) -> None:
        if faults:
            fault = faults[0]
            if issubclass(fault, OperationalError):
                raise fault("COMMIT", None, Exception("could not write to the WAL"))
            raise fault("no space left on device")

    event.listen(engine, "commit", fail)
    yield faults
    event.remove(engine, "commit", fail)


def test_a_commit_that_fails_is_answered_500_and_stores_nothing(
    admin: Caller, failing_commits: list[type[Exception]]
) -> None:
    failing_commits.append(DiskFull)
    response = admin.post("/v1/rounds", json=ROUND)
    failing_commits.clear()

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:bpv:problem:internal-error"
    assert admin.get("/v1/rounds?total=true").json()["total"] == 0


def test_a_commit_the_database_refuses_is_answered_503_and_can_be_retried_with_its_key(
    admin: Caller, failing_commits: list[type[Exception]]
) -> None:
    headers = {"Idempotency-Key": "round-2017"}
    failing_commits.append(OperationalError)
    refused = admin.post("/v1/rounds", json=ROUND, headers=headers)
    failing_commits.clear()
    retried = admin.post("/v1/rounds", json=ROUND, headers=headers)
    replayed = admin.post("/v1/rounds", json=ROUND, headers=headers)

    assert refused.status_code == 503
    assert refused.json()["type"] == "urn:bpv:problem:database-unavailable"
    assert retried.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert admin.get("/v1/rounds?total=true").json()["total"] == 1


@pytest.fixture
def impatient(settings: Settings, admin: Caller) -> Iterator[Caller]:
    """The admin, on an app that waits only 0.2 s for a lock."""
    quick = settings.model_copy(update={"database_lock_timeout": 0.2})
    with TestClient(create_app(quick), raise_server_exceptions=False) as client:
        yield Caller(client, admin.key)


@pytest.fixture
def rounds_locked_for_writing(engine: Engine) -> Iterator[None]:
    """Another transaction holds the lock a writer of rounds needs, until the test ends."""
    with engine.connect() as connection:
        connection.begin()  # on SQLite, BEGIN IMMEDIATE: the database's one write lock
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE rounds IN EXCLUSIVE MODE")  # reads still pass
        yield
        connection.rollback()


def test_a_read_does_not_wait_for_a_writer(
    impatient: Caller, rounds_locked_for_writing: None
) -> None:
    started = time.monotonic()
    response = impatient.get("/v1/rounds")

    assert response.status_code == 200
    assert time.monotonic() - started < 1


def test_a_preview_stores_nothing_so_it_does_not_wait_for_a_writer(
    impatient: Caller, rounds_locked_for_writing: None
) -> None:
    preview = {
        "base_year": 2017,
        "costs": [{"name": "Nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 100}]}],
        "benefits": [],
    }
    response = impatient.post("/v1/appraisals", json=preview)

    assert response.status_code == 200, response.text


def test_a_writer_that_cannot_have_the_lock_in_time_is_answered_503(
    impatient: Caller, rounds_locked_for_writing: None
) -> None:
    response = impatient.post("/v1/rounds", json=ROUND)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:bpv:problem:database-unavailable"
    assert int(response.headers["Retry-After"]) > 0
