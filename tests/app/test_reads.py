"""Reads in one trip to threads of their own: the key first, then the work, a few at a time."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event

from app.main import create_app
from app.reads import read_limiter
from app.services.bids import BidService
from app.settings import Settings
from tests.app.conftest import World


class Watched:
    """Wraps BidService.get_read: counts the calls and the most that ran at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold_seconds: float = 0.0) -> None:
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        original = BidService.get_read

        def watched(service: BidService, bid_id: uuid.UUID) -> Any:
            with self._lock:
                self.calls += 1
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            try:
                time.sleep(hold_seconds)
                return original(service, bid_id)
            finally:
                with self._lock:
                    self.running -= 1

        monkeypatch.setattr(BidService, "get_read", watched)


def test_reads_take_turns_for_the_threads_they_are_given(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = world.draft_bid()
    headers = {"Authorization": f"Bearer {world.office.key}"}
    one_thread = create_app(settings.model_copy(update={"read_threads": 1}))
    watched = Watched(monkeypatch, hold_seconds=0.05)

    with TestClient(one_thread) as client, ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: client.get(f"/v1/bids/{bid['id']}", headers=headers), range(4))
        )

    assert [a.status_code for a in answers] == [200] * 4
    assert all(a.json() == bid for a in answers)
    assert watched.calls == 4
    assert watched.most_at_once == 1


def test_a_read_with_a_bad_key_is_refused_before_its_work_runs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = world.draft_bid()
    watched = Watched(monkeypatch)

    refused = world.office.client.get(
        f"/v1/bids/{bid['id']}", headers={"Authorization": "Bearer bpv_nope_nope"}
    )
    anonymous = world.office.client.get(f"/v1/bids/{bid['id']}")

    assert refused.status_code == anonymous.status_code == 401
    assert watched.calls == 0
    assert world.office.get(f"/v1/bids/{bid['id']}").status_code == 200
    assert watched.calls == 1


@pytest.mark.parametrize("path", ["/v1/bids?limit=0", "/v1/bids/not-an-id", "/v1/rounds?limit=0"])
def test_no_key_is_refused_before_the_parameters_are_checked(world: World, path: str) -> None:
    assert world.office.client.get(path).status_code == 401
    assert world.office.get(path).status_code == 422


@pytest.mark.parametrize(
    ("url", "threads"),
    [("sqlite://", 2), ("postgresql+psycopg://nobody@127.0.0.1/none", 8)],
    ids=["SQLite", "PostgreSQL"],
)
def test_the_read_threads_suit_the_database_unless_set(url: str, threads: int) -> None:
    engine = create_engine(url)  # never connects

    assert read_limiter(engine, Settings()).total_tokens == threads
    assert read_limiter(engine, Settings(read_threads=5)).total_tokens == 5


def test_reading_bids_never_reads_their_logic_models(world: World) -> None:
    bid = world.draft_bid()
    engine = world.office.client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def capture(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        listed = world.office.get("/v1/bids", params={"total": "true"})
        read = world.office.get(f"/v1/bids/{bid['id']}")
    finally:
        event.remove(engine, "before_cursor_execute", capture)

    assert listed.status_code == read.status_code == 200
    assert any("bid_versions" in s for s in statements), statements
    assert not [s for s in statements if "logic_model" in s]
