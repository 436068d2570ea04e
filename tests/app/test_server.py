"""A real server: a confirmed write is committed, seen at once elsewhere, kept through kill -9."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.schemas.keys import Role
from app.services.keys import issue_key
from app.tables import Round
from tests.conftest import SECRET
from tests.live_server import LiveServer, live_server

# Run alone, not beside other tests: keep-alive and shutdown timings are asserted.
pytestmark = pytest.mark.timing

WORKERS = 4
TRIES_PER_WORKER = 40


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[LiveServer]:
    with live_server(database_url, SECRET, BPV_KEEP_ALIVE_TIMEOUT="1") as server:
        yield server


@pytest.fixture
def doomed_server(database_url: str) -> Iterator[LiveServer]:
    with live_server(database_url, SECRET) as server:
        yield server


@pytest.fixture
def admin_headers(engine: Engine) -> dict[str, str]:
    with Session(engine) as session, session.begin():
        key = issue_key(session, SECRET, Role.ADMIN, "live admin").key
    return {"Authorization": f"Bearer {key}"}


def new_round(n: int) -> dict[str, object]:
    return {"name": f"Round {n}", "programme_areas": ["diabetes"]}


def test_a_created_round_is_found_at_once_on_another_connection(
    server: LiveServer, admin_headers: dict[str, str]
) -> None:
    def create_then_read(worker: int) -> list[int]:
        misses = []
        with (
            httpx.Client(base_url=server.url, headers=admin_headers) as writer,
            httpx.Client(base_url=server.url, headers=admin_headers) as reader,
        ):
            for n in range(TRIES_PER_WORKER):
                created = writer.post("/v1/rounds", json=new_round(worker * 1000 + n))
                assert created.status_code == 201, created.text
                read = reader.get(f"/v1/rounds/{created.json()['id']}")
                if read.status_code != 200:
                    misses.append(read.status_code)
        return misses

    with ThreadPoolExecutor(WORKERS) as pool:
        misses = [
            status for worker in pool.map(create_then_read, range(WORKERS)) for status in worker
        ]

    assert misses == []


def test_every_confirmed_write_survives_kill_9(
    doomed_server: LiveServer, admin_headers: dict[str, str], engine: Engine
) -> None:
    server = doomed_server
    confirmed: list[str] = []
    lock = threading.Lock()
    kill_after = 12

    def write(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers=admin_headers) as client:
            for n in range(100):
                try:
                    created = client.post("/v1/rounds", json=new_round(worker * 1000 + n))
                except httpx.TransportError:
                    return  # the server is gone
                if created.status_code != 201:
                    continue
                with lock:
                    confirmed.append(created.json()["id"])
                    if len(confirmed) == kill_after:
                        server.kill()  # at once, while the other writers are mid-request

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(write, range(WORKERS)))

    with Session(engine) as session:
        stored = {str(id_) for id_ in session.scalars(select(Round.id))}
    assert len(confirmed) >= kill_after
    assert set(confirmed) <= stored


def test_the_server_names_no_software_and_sets_the_security_headers(server: LiveServer) -> None:
    response = httpx.get(server.url + "/healthz")

    assert "server" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(server: LiveServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bpv\r\n\r\n")
        answer = chunk = connection.recv(65536)
        while chunk and not answer.endswith(b"}"):  # the whole JSON answer, however it is split
            chunk = connection.recv(65536)
            answer += chunk
        idle_since = time.monotonic()
        closed = connection.recv(65536) == b""
        idle = time.monotonic() - idle_since

    assert answer.startswith(b"HTTP/1.1 200")
    assert closed
    assert 0.5 < idle < 3
