"""The request path against a bare FastAPI row read, over real HTTP, on SQLite and PostgreSQL.

Both servers run under uvicorn (the service through `bpv serve`) on the same database and are
loaded by the same client, wrk, with 16 connections on 2 threads; each prints requests per
second and the 50th and 99th percentile latencies, and the service's figures are divided by the
bare app's measured in the same run. The bare app (benchmarks/bare_row_read.py) reads one bid
row by primary key through SQLAlchemy, with no key, scope or middleware.

Measured, with the targets the run fails on:
1. `GET /v1/bids/{id}` as a programme office: at least 60% of the bare read's throughput, p99
   within 2x of its p99, on both databases;
2. `GET /v1/bids?limit=50` (a full page of 50 bids, the cap) at least 40% of the bare read's
   throughput;
3. on SQLite, reads under a mix of about 80% reads and 20% creating POSTs: p99 under 200 ms,
   and every 201 a stored bid;
4. a page of 20 bids whose logic models have 2,000 nodes within 2x of a page of 20 small ones,
   and a 2,000-node model's findings over HTTP within 2x of the domain's own call;
5. among 100,000 bids, a page deep in the list (by its cursor) within 1.5x of the first;
6. on PostgreSQL, throughput with 1, 2 and 4 workers (reported, not a target: the machine's
   cores are shared with wrk and the database). Both servers run uvicorn's h11 protocol with
   Nagle's algorithm off (app/http_protocol.py).
Run: .venv/bin/python benchmarks/bench_http.py  (PostgreSQL at BPV_BENCH_POSTGRES_URL, default
the tests' server, in a database made for the run and dropped after; without one, SQLite only.
BENCH_HTTP_SECONDS sets each load's duration, default 8.)
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from app_under_test import (  # a sibling: these run as scripts
    SECRET,
    admin_client,
    layered_logic_model,
)
from bench_ingest import postgres_database
from sqlalchemy import create_engine, func, insert, select

from app import translate
from app.cli import YOUNG_COLLECTION_THRESHOLD
from app.repositories.pages import encode_cursor
from app.tables import Bid, BidVersion
from bpv.hypothesis_checks import bid_findings

HERE = Path(__file__).resolve().parent
DEFAULT_GC_THRESHOLDS = gc.get_threshold()
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "8"))
WARM_UP_SECONDS = 2
CONNECTIONS, THREADS = 16, 2
PAGE = 20  # the large-model and deep-page lists
LIST_LIMIT = 50  # the list whose throughput is measured
DEEP_BIDS = 100_000
LARGE_NODES = 2_000
LARGE_EDGES = 5_000
SAMPLES = 21  # sequential requests whose median is taken
TARGETS = {
    "read_throughput": 0.6,
    "read_p99": 2.0,
    "list_throughput": 0.4,
    "mixed_read_p99_ms": 200.0,
    "large_list": 2.0,
    "findings": 2.0,
    "deep_page": 1.5,
}


@dataclass
class Load:
    """What wrk measured: requests per second and latency percentiles (ms)."""

    rate: float
    p50: float
    p99: float
    requests: int
    failed: int  # non-2xx answers and socket errors
    created: int = 0

    def __str__(self) -> str:
        return f"{self.rate:8,.0f} req/s  p50 {self.p50:7.1f} ms  p99 {self.p99:7.1f} ms"


@dataclass
class Check:
    name: str
    figure: float
    target: float
    higher_is_better: bool

    @property
    def met(self) -> bool:
        return self.figure >= self.target if self.higher_is_better else self.figure <= self.target


@dataclass
class Report:
    database: str
    lines: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def say(self, line: str) -> None:
        print(f"[{self.database}] {line}", flush=True)
        self.lines.append(line)

    def check(self, name: str, figure: float, target: float, *, higher: bool) -> None:
        self.checks.append(Check(name, figure, target, higher))


def logic_model(rng: random.Random) -> dict[str, Any]:
    """A layered model of 2,000 nodes and 5,000 edges, every node on an input-impact path."""
    return layered_logic_model(rng, LARGE_NODES, LARGE_EDGES)


class World:
    """Three footprints on one open round: 100 small bids in the first (read, listed and
    written to by its programme office), 20 with 2,000-node logic models in the second, and
    100,000 inserted straight into the tables in the third (for the deep page)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client, self.admin = admin_client(url)
        round_ = self.call(
            self.admin,
            "POST",
            "/v1/rounds",
            {"name": "Round", "programme_areas": ["diabetes"], "settings": {"base_year": 2017}},
        )
        self.round_id = round_["id"]
        self.call(self.admin, "PATCH", f"/v1/rounds/{self.round_id}", {"status": "open"})
        self.small_fp, self.large_fp, self.deep_fp = (
            self.call(
                self.admin,
                "POST",
                "/v1/footprints",
                {"code": f"F{i}", "name": f"F{i}", "population": 1},
            )["id"]
            for i in range(3)
        )
        self.office = self.key(self.small_fp)
        self.deep_office = self.key(self.deep_fp)
        self.small_ids = [self.bid(self.office, None) for _ in range(100)]
        rng = random.Random(20170401)
        self.model = logic_model(rng)
        large_office = self.key(self.large_fp)
        self.large_ids = [self.bid(large_office, self.model) for _ in range(PAGE)]
        self.deep_cursor = self.insert_deep_bids()

    def call(self, headers: dict[str, str], method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(
            method, path, json=body, headers={**headers, "If-Match": "*"}
        )
        assert response.status_code < 300, (path, response.status_code, response.text[:800])
        return response.json()

    def key(self, footprint_id: str) -> dict[str, str]:
        body = {"role": "programme_office", "name": "office", "footprint_id": footprint_id}
        return {
            "Authorization": f"Bearer {self.call(self.admin, 'POST', '/v1/api-keys', body)['key']}"
        }

    def bid(self, office: dict[str, str], model: dict[str, Any] | None) -> str:
        body = self.bid_body()
        if model is not None:
            body["logic_model"] = model
        return str(self.call(office, "POST", "/v1/bids", body)["id"])

    def bid_body(self) -> dict[str, Any]:
        costs = {"name": "Nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 1e5}]}
        return {"round_id": self.round_id, "title": "Diabetes nurses",
                "programme_area": "diabetes", "cost_lines": [costs]}  # fmt: skip

    def insert_deep_bids(self) -> str:
        """100,000 bids of one footprint, straight into the tables; the cursor after the
        100,000 - 20th, from which the last page is read."""
        engine = create_engine(self.url)
        with engine.begin() as connection:
            template = connection.execute(
                select(BidVersion.content, BidVersion.logic_model).limit(1)
            ).one()
            start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
            footprint_id, round_id = uuid.UUID(self.deep_fp), uuid.UUID(self.round_id)
            last: tuple[dt.datetime, uuid.UUID] | None = None
            for chunk in range(0, DEEP_BIDS, 10_000):
                bids, versions = [], []
                for i in range(chunk, chunk + 10_000):
                    stamp = start + dt.timedelta(seconds=i)
                    bid_id = uuid.uuid4()
                    bids.append({"id": bid_id, "created_at": stamp, "updated_at": stamp,
                                 "version": 1, "footprint_id": footprint_id,
                                 "round_id": round_id, "status": "draft",
                                 "current_version": 1})  # fmt: skip
                    versions.append({"id": uuid.uuid4(), "created_at": stamp,
                                     "updated_at": stamp, "version": 1, "bid_id": bid_id,
                                     "number": 1, "title": f"Bid {i}",
                                     "programme_area": "diabetes",
                                     "content": template.content,
                                     "logic_model": template.logic_model})  # fmt: skip
                    if i == DEEP_BIDS - PAGE - 1:
                        last = (stamp, bid_id)
                connection.execute(insert(Bid), bids)
                connection.execute(insert(BidVersion), versions)
            total = connection.scalar(
                select(func.count()).select_from(Bid).where(Bid.footprint_id == footprint_id)
            )
            assert total == DEEP_BIDS, total
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
        engine.dispose()
        assert last is not None
        return encode_cursor(last)

    def count_bids(self, footprint_id: str) -> int:
        engine = create_engine(self.url)
        with engine.connect() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(Bid)
                .where(Bid.footprint_id == uuid.UUID(footprint_id))
            )
        engine.dispose()
        return int(count or 0)


@contextmanager
def server(kind: str, url: str, port: int, workers: int = 1) -> Iterator[str]:
    """`bpv serve` (kind "bpv") or the bare app under uvicorn, until the block ends."""
    env = {**os.environ, "BENCH_DATABASE_URL": url, "BPV_DATABASE_URL": url,
           "BPV_SECRET_KEY": SECRET, "BPV_RATE_LIMIT_REQUESTS": "1000000000",
           "BPV_AUTH_FAILURES_MAX": "1000000", "PYTHONPATH": f"{HERE}:{HERE.parent}"}  # fmt: skip
    bin_dir = Path(sys.executable).parent
    if kind == "bpv":
        command = [str(bin_dir / "bpv"), "serve", "--port", str(port), "--workers", str(workers)]
        probe = "/healthz"
    else:
        command = [sys.executable, "bare_row_read.py", str(port), str(workers)]
        probe = "/openapi.json"
    process = subprocess.Popen(
        command, env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server exited with {process.returncode}")
            try:
                if httpx.get(base + probe, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local write_every = %(write_every)d
local write_body = %(write_body)s
local threads = {}
local i = 0
created = 0

function setup(thread) table.insert(threads, thread) end

function request()
  i = i + 1
  if write_every > 0 and i %% write_every == 0 then
    headers["Content-Type"] = "application/json"
    local req = wrk.format("POST", "/v1/bids", headers, write_body)
    headers["Content-Type"] = nil
    return req
  end
  return wrk.format("GET", paths[(i %% #paths) + 1], headers)
end

function response(status, hdrs, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local made = 0
  for _, thread in ipairs(threads) do made = made + thread:get("created") end
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, \\"p99\\": %%f, " ..
    "\\"failed\\": %%d, \\"created\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3,
    e.status + e.connect + e.read + e.write + e.timeout, made))
end
"""


def lua_text(value: str) -> str:
    return json.dumps(value)  # a JSON string is a Lua string for these characters


def wrk(
    base: str,
    paths: list[str],
    headers: dict[str, str],
    *,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
    write_every: int = 0,
    write_body: str = "",
    warm: bool = True,
) -> Load:
    script = LUA % {
        "paths": ", ".join(lua_text(p) for p in paths),
        "headers": ", ".join(f"[{lua_text(k)}] = {lua_text(v)}" for k, v in headers.items()),
        "write_every": write_every,
        "write_body": lua_text(write_body),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        # A short run first, unmeasured: both servers do their first-request work then.
        out = ""
        for seconds in (WARM_UP_SECONDS, SECONDS) if warm else (SECONDS,):
            out = subprocess.run(
                [
                    "wrk",
                    f"-t{threads}",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    handle.name,
                    base,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
    finally:
        os.unlink(handle.name)
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT"))[7:])
    return Load(
        result["requests"] / result["seconds"],
        result["p50"],
        result["p99"],
        result["requests"],
        result["failed"],
        result["created"],
    )


def median_ms(run: Callable[[], object]) -> float:
    run()  # warm up
    timings = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def getter(base: str, path: str, headers: dict[str, str]) -> Callable[[], object]:
    client = httpx.Client(base_url=base, headers=headers, timeout=30)

    def get() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response

    return get


def run(database: str, url: str, workers: tuple[int, ...]) -> Report:
    report = Report(database)
    started = time.perf_counter()
    world = World(url)
    world.client.__exit__(None, None, None)
    report.say(f"seeded in {time.perf_counter() - started:.0f} s")
    office = world.office
    reads = [f"/v1/bids/{bid_id}" for bid_id in world.small_ids]
    rows = [f"/rows/{bid_id}" for bid_id in world.small_ids]
    curve: dict[int, tuple[Load, Load]] = {}
    for n in workers:
        with server("bare", url, 8101, n) as base:
            bare = wrk(base, rows, {})
        with server("bpv", url, 8102, n) as base:
            ours = wrk(base, reads, office)
            if n == 1:
                listed = wrk(base, [f"/v1/bids?limit={LIST_LIMIT}"], office)
                ours_single = ours
        curve[n] = (bare, ours)
        for load in (bare, ours):
            assert load.failed == 0, f"{load.failed} failed requests"
    bare, _ = curve[1]
    ours = ours_single
    report.say(f"bare row read           {bare}")
    report.say(f"GET /v1/bids/{{id}}       {ours}  ({ours.rate / bare.rate:.2f}x the rate, "
               f"p99 {ours.p99 / bare.p99:.2f}x)")  # fmt: skip
    report.say(
        f"GET /v1/bids?limit={LIST_LIMIT}    {listed}  ({listed.rate / bare.rate:.2f}x the rate)"
    )
    report.check("GET /v1/bids/{id} rate / bare", ours.rate / bare.rate,
                 TARGETS["read_throughput"], higher=True)  # fmt: skip
    report.check("GET /v1/bids/{id} p99 / bare", ours.p99 / bare.p99, TARGETS["read_p99"],
                 higher=False)  # fmt: skip
    report.check(f"GET /v1/bids?limit={LIST_LIMIT} rate / bare", listed.rate / bare.rate,
                 TARGETS["list_throughput"], higher=True)  # fmt: skip
    if len(workers) > 1:
        for n, (bare_n, ours_n) in curve.items():
            report.say(f"{n} worker(s): bare {bare_n.rate:,.0f} req/s, GET /v1/bids/{{id}} "
                       f"{ours_n.rate:,.0f} req/s ({ours_n.rate / bare_n.rate:.2f}x); "
                       f"ours {ours_n.rate / curve[1][1].rate:.2f}x its 1-worker rate")  # fmt: skip

    with server("bpv", url, 8102) as base:
        if database == "SQLite":
            # The server is new: warm it up with reads before the mix starts counting.
            wrk(base, [*reads, f"/v1/bids?limit={PAGE}"], office, warm=False)
            before = world.count_bids(world.small_fp)
            mixed_write = json.dumps(world.bid_body())
            # The mix (every other request a creating POST) on 12 connections; 2 more only
            # read, and their latencies are the reads' under the mix. Writes take turns for
            # the database's one write lock, so they come about one in five in all.
            mixer = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--mix",
                    base,
                    json.dumps(office),
                    mixed_write,
                    json.dumps(reads),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            probe = wrk(base, reads, office, connections=2, threads=1, warm=False)
            mixed = Load(**json.loads(mixer.communicate()[0]))
            stored = world.count_bids(world.small_fp) - before
            total_reads = mixed.requests - mixed.created + probe.requests
            share = total_reads / (mixed.requests + probe.requests)
            report.say(f"mix ({share:.0%} reads): reads {probe}; all of the mix {mixed}")
            # A write that waits out BPV_DATABASE_LOCK_TIMEOUT answers 503 and stores nothing:
            # refused, not lost, but counted here.
            report.say(f"mix: {mixed.created} bids created (201), {stored} stored, "
                       f"{mixed.failed + probe.failed} refused (503) or failed")  # fmt: skip
            # wrk stops counting at the deadline: writes still in flight then are stored too.
            lost = max(mixed.created - stored, 0) if stored <= mixed.created + 12 else stored
            report.check("SQLite writes lost (201s not stored) under the mix", lost, 0,
                         higher=False)  # fmt: skip
            report.check("SQLite read p99 under the mix (ms)", probe.p99,
                         TARGETS["mixed_read_p99_ms"], higher=False)  # fmt: skip

        admin = world.admin
        small = median_ms(getter(base, f"/v1/bids?limit={PAGE}&footprint_id={world.small_fp}",
                                 admin))  # fmt: skip
        large = median_ms(getter(base, f"/v1/bids?limit={PAGE}&footprint_id={world.large_fp}",
                                 admin))  # fmt: skip
        report.say(f"page of {PAGE} bids: small models {small:.1f} ms, 2,000-node models "
                   f"{large:.1f} ms ({large / small:.2f}x)")  # fmt: skip
        report.check("page of 2,000-node bids / small", large / small, TARGETS["large_list"],
                     higher=False)  # fmt: skip

        findings = median_ms(
            getter(base, f"/v1/bids/{world.large_ids[0]}/logic-model/findings", admin)
        )

        def domain() -> object:
            graph = translate.logic_model(world.model)
            return graph.quality(bid_findings(graph, []))

        # Under the collector settings `bpv serve` runs with (app/cli.py), so that the two
        # differ by the request alone.
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 20, 20)
        domain_ms = median_ms(domain)
        gc.unfreeze()
        gc.set_threshold(*DEFAULT_GC_THRESHOLDS)
        report.say(f"findings of a 2,000-node model: HTTP {findings:.1f} ms, domain call "
                   f"{domain_ms:.1f} ms ({findings / domain_ms:.2f}x)")  # fmt: skip
        report.check("findings over HTTP / domain call", findings / domain_ms,
                     TARGETS["findings"], higher=False)  # fmt: skip

        first = median_ms(getter(base, f"/v1/bids?limit={PAGE}", world.deep_office))
        deep_path = f"/v1/bids?limit={PAGE}&cursor={world.deep_cursor}"
        deep_page = getter(base, deep_path, world.deep_office)
        last = deep_page().json()  # type: ignore[attr-defined]
        assert len(last["items"]) == PAGE and last["next_cursor"] is None, last["next_cursor"]
        deep = median_ms(deep_page)
        report.say(f"{DEEP_BIDS:,} bids: first page {first:.1f} ms, last page (by cursor) "
                   f"{deep:.1f} ms ({deep / first:.2f}x)")  # fmt: skip
        report.check("deep page / first page", deep / first, TARGETS["deep_page"], higher=False)
    return report


def mix(base: str, office: str, body: str, reads: str) -> None:
    """The 80/20 load, in a process of its own (wrk blocks): its figures as JSON on stdout."""
    load = wrk(base, json.loads(reads), json.loads(office), connections=12, threads=1,
               write_every=2, write_body=body, warm=False)  # fmt: skip
    print(json.dumps(load.__dict__))


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--mix":
        mix(*sys.argv[2:])
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    print(f"load: wrk, {CONNECTIONS} connections on {THREADS} threads, {SECONDS} s each; "
          f"load average before: {os.getloadavg()[0]:.1f}")  # fmt: skip
    reports = []
    with tempfile.TemporaryDirectory() as directory:
        reports.append(run("SQLite", f"sqlite:///{Path(directory) / 'bench.db'}", (1,)))
    with postgres_database() as url:
        if url is not None:
            reports.append(run("PostgreSQL", url, (1, 2, 4)))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    failed = False
    for report in reports:
        for check in report.checks:
            relation = ">=" if check.higher_is_better else "<="
            verdict = "met" if check.met else "MISSED"
            print(f"{report.database}: {check.name}: {check.figure:.2f} (target "
                  f"{relation} {check.target:g}) {verdict}")  # fmt: skip
            failed |= not check.met
    if failed:
        print("FAIL: a target was missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
