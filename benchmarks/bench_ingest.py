"""Measurement ingest: 100,000 measurements in batches of 10,000, rows per second.

Through the whole HTTP stack, in process (the ASGI app under Starlette's test client): each
batch is a `POST /v1/measurements` with an Idempotency-Key, checked whole against the decided
versions of 20 funded bids and stored with its provenance. The baseline inserts the same rows
into the same table, batch by batch (one transaction each), straight through the driver: COPY
with psycopg 3's `cursor.copy` on PostgreSQL, `executemany` with sqlite3 on SQLite (WAL and
foreign keys on, as the service's connections have them). Fails when ours is below a third of
the baseline's rate. A batch marks its bids due for review; the review that the worker then
makes of all 20 bids (their verdicts over all 100,000 rows, and the alerts) is timed apart.
Run: python benchmarks/bench_ingest.py  (PostgreSQL at BPV_BENCH_POSTGRES_URL, default the
tests' server; a fresh database is made and dropped. Without a server, SQLite only.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from app_under_test import admin_client  # a sibling: these run as scripts
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import make_engine, make_sessionmaker
from app.services.benefit_alerts import review_due
from app.tables import Account, BidVersion, Hypothesis

TOTAL = 100_000
BATCH = 10_000
BIDS = 20
INDICATORS = ("Emergency admissions", "HbA1c")  # one hypothesis each, per bid
DAYS = TOTAL // (BIDS * len(INDICATORS))  # daily figures from April 2018
MIN_RATIO = 1 / 3
POSTGRES_ADMIN_URL = os.environ.get(
    "BPV_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
COLUMNS = (
    "id",
    "created_at",
    "batch_id",
    "bid_id",
    "hypothesis_id",
    "indicator_name",
    "period_start",
    "period_end",
    "value",
    "source",
)


@dataclass
class Result:
    database: str
    ours_seconds: float
    baseline_seconds: float
    review_seconds: float

    @property
    def ours_rate(self) -> float:
        return TOTAL / self.ours_seconds

    @property
    def baseline_rate(self) -> float:
        return TOTAL / self.baseline_seconds

    @property
    def ratio(self) -> float:
        return self.ours_rate / self.baseline_rate


class World:
    """An app on the database, 20 funded bids with two hypotheses each, an integration key."""

    def __init__(self, url: str) -> None:
        self.client, self.admin = admin_client(url)
        footprint = self.call(
            self.admin, "POST", "/v1/footprints", 201, {"code": "QWE", "name": "F", "population": 1}
        )
        round_ = self.call(
            self.admin,
            "POST",
            "/v1/rounds",
            201,
            {"name": "Round", "programme_areas": ["diabetes"], "settings": {"base_year": 2017}},
        )
        self.call(self.admin, "PATCH", f"/v1/rounds/{round_['id']}", 200, {"status": "open"})
        office = self.key("programme_office", footprint_id=footprint["id"])
        self.integration = self.key("integration", footprint_id=footprint["id"])
        chair = self.key("chair", round_id=round_["id"])
        self.bid_ids = [self.submitted_bid(office, round_["id"]) for _ in range(BIDS)]
        self.call(self.admin, "PATCH", f"/v1/rounds/{round_['id']}", 200, {"status": "closed"})
        decisions = [
            {"bid_id": bid_id, "outcome": "approved", "rationale": "Funded."}
            for bid_id in self.bid_ids
        ]
        self.call(
            chair, "POST", f"/v1/rounds/{round_['id']}/decisions", 201, {"decisions": decisions}
        )
        self.call(self.admin, "PATCH", f"/v1/rounds/{round_['id']}", 200, {"status": "decided"})

    def call(
        self, headers: dict[str, str], method: str, path: str, expect: int, body: Any = None
    ) -> Any:
        response = self.client.request(
            method, path, json=body, headers={**headers, "If-Match": "*"}
        )
        assert response.status_code == expect, (path, response.status_code, response.text[:800])
        return response.json()

    def key(self, role: str, **scope: str) -> dict[str, str]:
        body = {"role": role, "name": role, **scope}
        key = self.call(self.admin, "POST", "/v1/api-keys", 201, body)["key"]
        return {"Authorization": f"Bearer {key}"}

    def submitted_bid(self, office: dict[str, str], round_id: str) -> str:
        costs = {"name": "Nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 1e5}]}
        body = {"round_id": round_id, "title": "Bid", "programme_area": "diabetes",
                "cost_lines": [costs]}  # fmt: skip
        bid = self.call(office, "POST", "/v1/bids", 201, body)
        url = f"/v1/bids/{bid['id']}"
        self.call(office, "PUT", f"{url}/logic-model", 200, logic_model())
        for (source, target), name in zip(
            (("control", "admissions"), ("clinics", "control")), INDICATORS, strict=True
        ):
            self.call(office, "POST", f"{url}/hypotheses", 201, hypothesis(source, target, name))
        self.call(office, "POST", f"{url}/submit", 200)
        return str(bid["id"])


def logic_model() -> dict[str, Any]:
    evidence = {"source": "Trial", "grade": "moderate"}
    chain = [("funding", "input"), ("hire", "activity"), ("clinics", "output"),
             ("control", "outcome"), ("admissions", "impact")]  # fmt: skip
    nodes = [
        {
            "key": key,
            "kind": kind,
            "label": key,
            **({"term": "short"} if kind == "outcome" else {}),
            **({"indicators": [indicator(key)]} if kind in ("outcome", "impact") else {}),
        }
        for key, kind in chain
    ]
    edges = [
        {"source": a, "target": b, "rationale": "why", "evidence": evidence}
        for (a, _), (b, _) in pairwise(chain)
    ]
    return {"nodes": nodes, "edges": edges}


def indicator(key: str) -> dict[str, str]:
    name = INDICATORS[0] if key == "admissions" else INDICATORS[1]
    return {"name": name, "unit": "count", "direction": "decrease"}


def hypothesis(source: str, target: str, name: str) -> dict[str, Any]:
    return {
        "edge": {"source": source, "target": target},
        "indicator": {"name": name, "unit": "count", "direction": "decrease"},
        "baseline": {"value": 1200.0, "date": "2017-04-01"},
        "trajectory": [{"date": "2020-03-31", "value": 1000.0}],
        "rationale": "Because.",
        "evidence": {"source": "Trial", "grade": "moderate"},
        "confidence": 0.7,
    }


def items(bid_ids: list[str]) -> list[dict[str, Any]]:
    """The 100,000 measurements, day by day: a batch holds every bid's indicators on 125 days."""
    start = dt.date(2018, 4, 1)
    return [
        {
            "bid_id": bid_id,
            "indicator": name,
            "period_start": (start + dt.timedelta(days=day)).isoformat(),
            "period_end": (start + dt.timedelta(days=day)).isoformat(),
            "value": 1000.0 + day % 97,
            "source": "SUS daily extract",
        }
        for day in range(DAYS)
        for bid_id in bid_ids
        for name in INDICATORS
    ]


def batches(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


class Ours:
    """The service taking one batch: a POST with an Idempotency-Key. Bodies are encoded
    beforehand: the client's work is not the server's."""

    def __init__(self, world: World, measurements: list[dict[str, Any]]) -> None:
        self.world = world
        self.bodies = [json.dumps({"measurements": b}).encode() for b in batches(measurements)]
        self.headers = {**world.integration, "Content-Type": "application/json"}

    def __call__(self, n: int) -> float:
        headers = {**self.headers, "Idempotency-Key": f"batch-{n}"}
        start = time.perf_counter()
        response = self.world.client.post(
            "/v1/measurements", content=self.bodies[n], headers=headers
        )
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.text[:800]
        return elapsed


def driver_rows(
    measurements: list[dict[str, Any]], hypotheses: dict[tuple[str, str], str]
) -> list[tuple[Any, ...]]:
    """The rows the service stores, as Python values (the drivers adapt them). Their periods
    lie a century later, so that the service's check for rows to correct never meets them."""
    now = dt.datetime.now(dt.UTC)
    later = dt.timedelta(days=36_525)
    return [
        (
            uuid.uuid4(),
            now,
            None,  # the batch, set per batch
            uuid.UUID(m["bid_id"]),
            uuid.UUID(hypotheses[(m["bid_id"], m["indicator"])]),
            m["indicator"],
            dt.date.fromisoformat(m["period_start"]) + later,
            dt.date.fromisoformat(m["period_end"]) + later,
            m["value"],
            m["source"],
        )
        for m in measurements
    ]


class SqliteBaseline:
    """sqlite3's executemany, one transaction a batch, as the service's connections are set."""

    def __init__(
        self, path: str, rows: list[tuple[Any, ...]], account_id: uuid.UUID, footprint_id: uuid.UUID
    ) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA foreign_keys = ON")
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.account, self.footprint = account_id.hex, footprint_id.hex
        # The representations SQLAlchemy stores on SQLite: UUIDs as 32 hex digits, ISO text.
        self.batches = list(batches([
            (r[0].hex, r[1].strftime("%Y-%m-%d %H:%M:%S.%f"), r[3].hex, r[4].hex, r[5],
             r[6].isoformat(), r[7].isoformat(), r[8], r[9])
            for r in rows
        ]))  # fmt: skip

    def __call__(self, n: int) -> float:
        batch = self.batches[n]
        insert = f"INSERT INTO measurements ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 10)})"
        start = time.perf_counter()
        batch_id = uuid.uuid4().hex
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute(
            "INSERT INTO measurement_batches (id, created_at, account_id, footprint_id, "
            "measurement_count, spend_count) VALUES (?, ?, ?, ?, ?, 0)",
            (batch_id, batch[0][1], self.account, self.footprint, len(batch)),
        )
        self.connection.executemany(insert, [(r[0], r[1], batch_id, *r[2:]) for r in batch])
        self.connection.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.connection.close()


class PostgresBaseline:
    """COPY through psycopg 3's `cursor.copy`, one transaction a batch."""

    def __init__(
        self, url: str, rows: list[tuple[Any, ...]], account_id: uuid.UUID, footprint_id: uuid.UUID
    ) -> None:
        import psycopg

        conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(conninfo)
        self.account, self.footprint = account_id, footprint_id
        self.batches = list(batches(rows))

    def __call__(self, n: int) -> float:
        batch = self.batches[n]
        start = time.perf_counter()
        batch_id = uuid.uuid4()
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO measurement_batches (id, created_at, account_id, footprint_id, "
                "measurement_count, spend_count) VALUES (%s, %s, %s, %s, %s, 0)",
                (batch_id, batch[0][1], self.account, self.footprint, len(batch)),
            )
            with cursor.copy(f"COPY measurements ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row((row[0], row[1], batch_id, *row[3:]))
        return time.perf_counter() - start

    def close(self) -> None:
        self.connection.close()


def run(database: str, url: str, baseline_kind: Any) -> Result:
    world = World(url)
    measurements = items(world.bid_ids)
    assert len(measurements) == TOTAL
    engine = create_engine(url)
    with Session(engine) as session:
        hypotheses = {
            (str(bid_id), name): str(stable_id)
            for bid_id, name, stable_id in session.execute(
                select(BidVersion.bid_id, Hypothesis.indicator_name, Hypothesis.stable_id).join(
                    Hypothesis, Hypothesis.bid_version_id == BidVersion.id
                )
            )
        }
        account_id, footprint_id = session.execute(
            select(Account.id, Account.footprint_id).where(Account.role == "integration")
        ).one()
    rows = driver_rows(measurements, hypotheses)
    engine.dispose()
    target = make_url(url).database if database == "SQLite" else url
    baseline = baseline_kind(target, rows, account_id, footprint_id)
    ours = Ours(world, measurements)
    # Batch by batch, the baseline's then ours, into the same table: both meet the same
    # table size and the same load on the machine.
    ours_seconds = baseline_seconds = 0.0
    for n in range(TOTAL // BATCH):
        baseline_seconds += baseline(n)
        ours_seconds += ours(n)
    baseline.close()
    review_seconds = review_all(url)
    world.client.__exit__(None, None, None)
    return Result(database, ours_seconds, baseline_seconds, review_seconds)


def review_all(url: str) -> float:
    """The worker's reviews of every bid the batches marked due, until none waits."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    start = time.perf_counter()
    reviewed = 0
    while True:
        with sessions.begin() as session:
            done = review_due(session, dt.date.today())
        if not done:
            break
        reviewed += done
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert reviewed == BIDS, reviewed
    return elapsed


@contextmanager
def postgres_database() -> Iterator[str | None]:
    try:
        admin = create_engine(
            POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            name = f"bpv_bench_{uuid.uuid4().hex[:12]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: the SQLite figures alone
        print(f"PostgreSQL: skipped ({str(error).splitlines()[0]})")
        yield None
        return
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        results.append(run("SQLite", url, SqliteBaseline))
    with postgres_database() as url:
        if url is not None:
            results.append(run("PostgreSQL", url, PostgresBaseline))
    failed = False
    print(f"{TOTAL:,} measurements in batches of {BATCH:,} ({BIDS} bids, {len(INDICATORS)} "
          f"indicators, {DAYS:,} days)")  # fmt: skip
    for result in results:
        below = result.ratio < MIN_RATIO
        print(
            f"{result.database}: {result.ours_rate:,.0f} rows/s ({result.ours_seconds:.2f} s) "
            f"through POST /v1/measurements; driver baseline {result.baseline_rate:,.0f} rows/s "
            f"({result.baseline_seconds:.2f} s); ratio {result.ratio:.2f} "
            f"(target {MIN_RATIO:.2f}: {'BELOW' if below else 'met'}); then the review of "
            f"the {BIDS} bids {result.review_seconds:.2f} s"
        )
        failed |= below
    if failed:
        print("FAIL: ingest is below a third of the driver's rate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
