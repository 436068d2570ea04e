"""`bpv worker` against a real receiver on 127.0.0.1: signed deliveries a receiver can verify,
retries with backoff, a subscription disabled after its failure window, a killed worker's
delivery sent by another, and two workers at once never sending one event twice."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.services import benefit_alerts
from app.services.outbox import publish
from app.settings import Settings
from app.tables import WebhookAttempt, WebhookDelivery
from app.worker import Worker
from tests.app.conftest import Caller, World
from tests.app.funded import INDICATOR, funded_bids, months, on_trajectory
from tests.conftest import SECRET

EVENTS = ["benefit.off_track", "hypothesis.refuted", "measurement.missing"]
WAIT_SECONDS = 30


# An independent check of a delivery, as the Standard Webhooks specification describes it.


class BadSignature(Exception):
    pass


def verify(
    secret: str, headers: dict[str, str], body: bytes, now: float, tolerance: int = 300
) -> None:
    """Raise unless `body` was signed with `secret` within `tolerance` seconds of `now`."""
    message_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        raise BadSignature("timestamp outside the tolerance")
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret[len("whsec_") :])
    to_sign = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    # The header may carry several space-separated signatures (a secret being rotated).
    for candidate in headers["webhook-signature"].split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise BadSignature("no signature matches")


# A receiver on 127.0.0.1 that answers as told and keeps what it was sent.


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    client_port: int
    answered: bool = True


@dataclass
class Receiver:
    url: str
    received: list[Received]
    answers: list[int]  # one status per request, in order; 204 once they run out
    hold_first: threading.Event | None = None  # the first request waits until this is set
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self, answered_only: bool = True) -> list[str]:
        with self.lock:
            return [
                r.headers["webhook-id"] for r in self.received if r.answered or not answered_only
            ]


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(answers: list[int] | None = None, hold_first: bool = False) -> Receiver:
        receiver = Receiver("", [], list(answers or []), threading.Event() if hold_first else None)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection per worker

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                seen = Received(
                    {k.lower(): v for k, v in self.headers.items()}, body, self.client_address[1]
                )
                with receiver.lock:
                    first = not receiver.received
                    receiver.received.append(seen)
                    status = receiver.answers.pop(0) if receiver.answers else 204
                if first and receiver.hold_first is not None:
                    seen.answered = False
                    receiver.hold_first.wait(WAIT_SECONDS)
                    return
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url + "/moved")
                payload = b"receiver says no" if status >= 300 else b""
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def subscribe(caller: Caller, url: str) -> dict[str, Any]:
    return caller.created("/v1/webhooks", {"url": url, "events": EVENTS})


def raise_alert(engine: Engine, world: World, n: int = 1) -> list[str]:
    """Publish `n` off-track alerts for the world's footprint, committed; their event ids."""
    ids = []
    with Session(engine) as session, session.begin():
        for i in range(n):
            event = publish(
                session,
                "benefit.off_track",
                {"bid_id": str(uuid.uuid4()), "n": i},
                footprint_id=uuid.UUID(world.footprint["id"]),
                round_id=uuid.UUID(world.round["id"]),
            )
            assert event is not None
            ids.append(str(event.id))
    return ids


def fast(settings: Settings, **overrides: Any) -> Settings:
    """The suite's settings with a retry schedule short enough to watch."""
    values: dict[str, Any] = {
        "webhook_retry_base_seconds": 0.05,
        "webhook_retry_cap_seconds": 0.2,
        "webhook_timeout_seconds": 2,
        "webhook_lease_seconds": 60,
        "worker_poll_seconds": 0.02,
        **overrides,
    }
    return settings.model_copy(update=values)


def until(condition: Callable[[], bool], step: Callable[[], object] = lambda: None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        step()
        time.sleep(0.02)


def delivery_statuses(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(WebhookDelivery.status)))


@pytest.fixture
def worker(settings: Settings, engine: Engine) -> Iterator[Worker]:
    running = Worker(fast(settings), engine)
    yield running
    running.close()


def test_a_delivery_carries_a_signature_an_independent_check_accepts(
    world: World, engine: Engine, worker: Worker, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory()
    subscription = subscribe(world.office, receiver.url)
    [event_id] = raise_alert(engine, world)

    until(lambda: bool(receiver.received), worker.deliver_due)

    [got] = receiver.received
    verify(subscription["secret"], got.headers, got.body, now=time.time())
    assert got.headers["webhook-id"] == event_id
    assert got.headers["content-type"] == "application/json"
    message = json.loads(got.body)
    assert set(message) == {"type", "timestamp", "data"}
    assert message["type"] == "benefit.off_track"
    assert message["data"]["n"] == 0
    with pytest.raises(BadSignature):
        verify(
            subscription["secret"], got.headers, got.body.replace(b'"n":0', b'"n":1'), time.time()
        )
    with pytest.raises(BadSignature):
        verify(subscription["secret"], got.headers, got.body, now=time.time() + 3600)
    other_secret = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(BadSignature):
        verify(other_secret, got.headers, got.body, now=time.time())
    assert delivery_statuses(engine) == ["delivered"]


def test_a_failing_receiver_is_retried_until_it_succeeds_under_the_same_id(
    world: World, engine: Engine, worker: Worker, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory(answers=[500, 503])
    subscription = subscribe(world.office, receiver.url)
    [event_id] = raise_alert(engine, world)

    until(lambda: len(receiver.received) >= 1, worker.deliver_due)
    failing = world.office.get(f"/v1/webhooks/{subscription['id']}").json()
    until(lambda: delivery_statuses(engine) == ["delivered"], worker.deliver_due)

    assert failing["failing_since"] is not None
    assert receiver.ids() == [event_id] * 3
    for got in receiver.received:
        verify(subscription["secret"], got.headers, got.body, now=time.time())
    detail = world.office.get(f"/v1/webhooks/{subscription['id']}").json()
    [delivery] = detail["recent_deliveries"]
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 3
    assert [a["status_code"] for a in delivery["attempt_log"]] == [204, 503, 500]
    assert delivery["attempt_log"][1]["error"].startswith("HTTP 503")
    assert delivery["attempt_log"][0]["error"] is None
    assert detail["failing_since"] is None  # a success clears the streak
    assert detail["status"] == "active"
    for _ in range(5):
        worker.deliver_due()
    assert len(receiver.received) == 3  # delivered once: never sent again


def test_a_redirect_is_not_followed_but_counted_as_a_failure(
    world: World, engine: Engine, worker: Worker, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory(answers=[302])
    subscription = subscribe(world.office, receiver.url)
    raise_alert(engine, world)

    until(lambda: bool(receiver.received), worker.deliver_due)

    detail = world.office.get(f"/v1/webhooks/{subscription['id']}").json()
    [delivery] = detail["recent_deliveries"]
    assert [a["status_code"] for a in delivery["attempt_log"]] == [302]
    assert delivery["status"] == "pending"
    assert len(receiver.received) == 1


def test_a_receiver_that_does_not_answer_is_recorded_with_why(
    world: World, engine: Engine, worker: Worker
) -> None:
    subscription = subscribe(world.office, nothing_listening())
    raise_alert(engine, world)

    until(lambda: _attempts(engine) >= 1, worker.deliver_due)

    [delivery] = world.office.get(f"/v1/webhooks/{subscription['id']}").json()["recent_deliveries"]
    [attempt] = delivery["attempt_log"]
    assert attempt["status_code"] is None
    assert attempt["error"].startswith("ConnectError")


def test_a_subscription_failing_beyond_its_window_is_disabled_and_its_deliveries_abandoned(
    world: World,
    engine: Engine,
    settings: Settings,
    receiver_factory: Callable[..., Receiver],
) -> None:
    receiver = receiver_factory(answers=[500] * 1000)
    subscription = subscribe(world.office, receiver.url)
    raise_alert(engine, world, n=3)
    worker = Worker(fast(settings, webhook_failure_window_seconds=0.5, worker_batch_size=1), engine)
    path = f"/v1/webhooks/{subscription['id']}"

    try:
        until(lambda: world.office.get(path).json()["status"] == "disabled", worker.deliver_due)
        sent = len(receiver.received)
        for _ in range(5):
            worker.deliver_due()
    finally:
        worker.close()

    detail = world.office.get(path).json()
    assert detail["disabled_at"] is not None
    assert detail["failing_since"] is not None
    assert "HTTP 500: receiver says no" in detail["disabled_reason"]
    assert {d["status"] for d in detail["recent_deliveries"]} == {"abandoned"}
    assert all(
        a["status_code"] == 500 for d in detail["recent_deliveries"] for a in d["attempt_log"]
    )
    assert len(receiver.received) == sent  # nothing more is sent
    raise_alert(engine, world)
    assert len(world.office.get(path).json()["recent_deliveries"]) == 3  # nor written
    listed = world.office.get("/v1/webhooks").json()["items"]
    assert listed[0]["status"] == "disabled"


def test_a_posted_batch_that_turns_a_bid_off_track_reaches_the_subscriber_through_the_worker(
    world: World, engine: Engine, settings: Settings, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory()
    subscribe(world.office, receiver.url)
    (bid,) = funded_bids(world, ["approved"])
    off_track = [
        {"bid_id": bid, "indicator": INDICATOR, "period_start": start.isoformat(),
         "period_end": end.isoformat(), "value": value, "source": "SUS"}
        for (start, end), value in on_trajectory(months(dt.date(2017, 4, 1), 24), share=0.0)
    ]  # fmt: skip
    posted = world.integration.post("/v1/measurements", json={"measurements": off_track})
    assert posted.status_code == 201, posted.text
    worker = Worker(fast(settings), engine)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        until(lambda: bool(receiver.received))
    finally:
        worker.stop()
        running.join(timeout=WAIT_SECONDS)
        worker.close()

    [got] = receiver.received
    message = json.loads(got.body)
    assert message["type"] in {"benefit.off_track", "hypothesis.refuted"}
    assert message["data"]["bid_id"] == bid
    verdict = world.office.get(f"/v1/bids/{bid}/benefits").json()["hypotheses"][0]["verdict"]
    assert message["data"]["verdict"] == verdict


def test_the_worker_scans_for_missing_measurements_and_stops_when_asked(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned: list[object] = []

    def find_missing(session: Session, today: object) -> list[benefit_alerts.Missing]:
        assert session.in_transaction()
        scanned.append(today)
        return []

    monkeypatch.setattr(benefit_alerts, "find_missing", find_missing)
    worker = Worker(fast(settings, missing_scan_seconds=0.05), engine)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        until(lambda: len(scanned) >= 2)
    finally:
        worker.stop()
        running.join(timeout=10)
        worker.close()

    assert not running.is_alive()


def test_a_lease_longer_than_a_batch_of_timeouts_is_required(settings: Settings) -> None:
    with pytest.raises(ValueError, match="BPV_WEBHOOK_LEASE_SECONDS"):
        Worker(
            fast(settings, webhook_lease_seconds=5, webhook_timeout_seconds=1, worker_batch_size=10)
        )


# Worker processes: `bpv worker` run as the deployment runs it.


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """`kill -9`: no shutdown, no chance to finish or hand back what it holds."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)


@pytest.fixture
def start_worker(database_url: str, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started)}.log"
        environment = {
            **os.environ,
            "BPV_DATABASE_URL": database_url,
            "BPV_SECRET_KEY": SECRET,
            "BPV_WORKER_POLL_SECONDS": "0.05",
            "BPV_WEBHOOK_RETRY_BASE_SECONDS": "0.1",
            "BPV_WEBHOOK_RETRY_CAP_SECONDS": "0.5",
            **env,
        }
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "bpv"), "worker"],
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


@pytest.mark.once
def test_a_delivery_a_killed_worker_held_is_sent_by_another_once_its_lease_runs_out(
    world: World,
    engine: Engine,
    receiver_factory: Callable[..., Receiver],
    start_worker: Callable[..., WorkerProcess],
) -> None:
    receiver = receiver_factory(hold_first=True)
    subscribe(world.office, receiver.url)
    [event_id] = raise_alert(engine, world)
    lease = {"BPV_WEBHOOK_LEASE_SECONDS": "3", "BPV_WEBHOOK_TIMEOUT_SECONDS": "2"}
    lease["BPV_WORKER_BATCH_SIZE"] = "1"

    first = start_worker(**lease)
    until(lambda: bool(receiver.received))  # it is sending: the receiver holds the request
    first.kill()
    assert delivery_statuses(engine) == ["pending"]
    second = start_worker(**lease)
    until(lambda: delivery_statuses(engine) == ["delivered"])
    time.sleep(1)  # time enough for a wrong second send to show
    assert second.stop() == 0  # SIGTERM: a clean stop
    assert receiver.hold_first is not None
    receiver.hold_first.set()

    assert receiver.ids(answered_only=False) == [event_id, event_id]  # the same webhook-id
    assert receiver.ids() == [event_id]  # delivered once, by the second worker
    with Session(engine) as session:
        # The killed worker recorded nothing; the second one attempt, its success.
        assert session.scalars(select(WebhookAttempt.status_code)).all() == [204]


def test_two_workers_at_once_never_send_one_event_twice(
    world: World,
    engine: Engine,
    receiver_factory: Callable[..., Receiver],
    start_worker: Callable[..., WorkerProcess],
) -> None:
    receiver = receiver_factory()
    subscribe(world.office, receiver.url)
    event_ids = raise_alert(engine, world, n=200)
    batches = {"BPV_WORKER_BATCH_SIZE": "2"}

    workers = [start_worker(**batches), start_worker(**batches)]
    until(lambda: _delivered(engine) == len(event_ids))
    time.sleep(0.5)
    codes = [w.stop() for w in workers]

    assert codes == [0, 0]
    assert sorted(receiver.ids()) == sorted(event_ids)  # each exactly once
    assert len({r.client_port for r in receiver.received}) >= 2  # both workers took part


# Helpers reading the database


def _attempts(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(WebhookAttempt)) or 0)


def _delivered(engine: Engine) -> int:
    with Session(engine) as session:
        stmt = (
            select(func.count())
            .select_from(WebhookDelivery)
            .where(WebhookDelivery.status == "delivered")
        )
        return int(session.scalar(stmt) or 0)


def nothing_listening() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"
