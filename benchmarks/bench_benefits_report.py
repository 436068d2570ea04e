"""Times GET /v1/bids/{id}/benefits for a funded bid with 20 indicators and 5 years of monthly
measurements (1,200 rows), in process through the ASGI app on a scratch SQLite database.

The baseline is the least such a request could do: one plain SELECT of the same measurement
rows and `json.dumps` of them.
Run: python benchmarks/bench_benefits_report.py  (or python -m benchmarks.bench_benefits_report)
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import make_engine
from app.main import create_app
from app.migrate import upgrade
from app.schemas.keys import Role
from app.services.keys import issue_key
from app.settings import Settings
from app.tables import Account, Measurement, MeasurementBatch

SECRET = "bench-secret"
INDICATORS = 20
YEARS = 5
REPEATS = 21
LIMIT_SECONDS = 0.100
EVIDENCE = {"source": "Bench evidence", "grade": "moderate"}


def logic_model() -> dict[str, Any]:
    def edge(source: str, target: str) -> dict[str, Any]:
        return {"source": source, "target": target, "rationale": "drives it", "evidence": EVIDENCE}

    indicators = [
        {"name": f"Indicator {i:02d}", "unit": "count", "direction": "decrease"}
        for i in range(INDICATORS)
    ]
    return {
        "nodes": [
            {"key": "funding", "kind": "input", "label": "Funding"},
            {"key": "work", "kind": "activity", "label": "Work"},
            {"key": "made", "kind": "output", "label": "Made"},
            {"key": "better", "kind": "outcome", "term": "short", "label": "Better"},
            {"key": "impact", "kind": "impact", "label": "Impact", "indicators": indicators},
        ],
        "edges": [
            edge("funding", "work"),
            edge("work", "made"),
            edge("made", "better"),
            edge("better", "impact"),
        ],
    }


def hypothesis(i: int) -> dict[str, Any]:
    return {
        "edge": {"source": "better", "target": "impact"},
        "indicator": {"name": f"Indicator {i:02d}", "unit": "count", "direction": "decrease"},
        "baseline": {"value": 1000 + i, "date": "2017-04-01"},
        "trajectory": [
            {"date": f"{2018 + year}-03-31", "value": 1000 + i - 20 * (year + 1)}
            for year in range(YEARS)
        ],
        "rationale": "It moves.",
        "evidence": EVIDENCE,
        "confidence": 0.7,
        "monetisation": {"value_per_unit": 500, "benefit_type": "cash_releasing"},
    }


def months(count: int) -> list[tuple[dt.date, dt.date]]:
    out, year, month = [], 2017, 4
    for _ in range(count):
        out.append(
            (dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def call(client: TestClient, key: str, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
    response = client.request(method, path, headers=headers, **kwargs)
    if not response.is_success:
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
    return response.json()


def funded_bid(client: TestClient, admin: str) -> str:
    """A bid with 20 hypotheses, submitted, approved, its round decided, through the API."""
    footprint = call(
        client, admin, "POST", "/v1/footprints",
        json={"code": "BEN", "name": "Bench footprint", "population": 1_000_000},
    )  # fmt: skip
    round_ = call(
        client, admin, "POST", "/v1/rounds",
        json={"name": "Bench round", "programme_areas": ["bench"], "settings": {"base_year": 2017}},
    )  # fmt: skip
    path = f"/v1/rounds/{round_['id']}"
    match = {"If-Match": "*"}
    call(client, admin, "PATCH", path, json={"status": "open"}, headers=match)

    def key(role: str, **scope: str) -> str:
        body = {"role": role, "name": f"bench {role}", **scope}
        return str(call(client, admin, "POST", "/v1/api-keys", json=body)["key"])

    office = key("programme_office", footprint_id=footprint["id"])
    chair = key("chair", round_id=round_["id"])
    costs = {
        "name": "Staff",
        "kind": "revenue",
        "flows": [{"year": 2017 + y, "amount": 100_000} for y in range(YEARS)],
    }
    body = {"round_id": round_["id"], "title": "Bench bid", "programme_area": "bench"}
    bid = call(client, office, "POST", "/v1/bids", json={**body, "cost_lines": [costs]})
    bid_path = f"/v1/bids/{bid['id']}"
    call(client, office, "PUT", f"{bid_path}/logic-model", json=logic_model(), headers=match)
    for i in range(INDICATORS):
        call(client, office, "POST", f"{bid_path}/hypotheses", json=hypothesis(i))
    call(client, office, "POST", f"{bid_path}/submit")
    call(client, admin, "PATCH", path, json={"status": "closed"}, headers=match)
    decision = {"bid_id": bid["id"], "outcome": "approved", "rationale": "Bench."}
    call(client, chair, "POST", f"{path}/decisions", json={"decisions": [decision]})
    call(client, admin, "PATCH", path, json={"status": "decided"}, headers=match)
    key("integration", footprint_id=footprint["id"])
    return str(bid["id"])


def store_measurements(session: Session, bid_id: str) -> None:
    account = session.scalars(select(Account).where(Account.role == Role.INTEGRATION)).one()
    assert account.footprint_id is not None
    periods = months(12 * YEARS)
    batch = MeasurementBatch(
        account_id=account.id,
        footprint_id=account.footprint_id,
        measurement_count=INDICATORS * len(periods),
        spend_count=0,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        Measurement(
            batch_id=batch.id,
            bid_id=uuid.UUID(bid_id),
            indicator_name=f"Indicator {i:02d}",
            period_start=start,
            period_end=end,
            value=1000.0 + i - 1.5 * n,
            source="bench",
        )
        for i in range(INDICATORS)
        for n, (start, end) in enumerate(periods)
    )


def timings(run: Callable[[], object]) -> list[float]:
    run()  # warm caches and imports outside the timing
    seconds = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            admin = issue_key(session, SECRET, Role.ADMIN, "bench admin").key
        settings = Settings(database_url=url, secret_key=SECRET, rate_limit_requests=1_000_000)
        with TestClient(create_app(settings)) as client:
            bid_id = funded_bid(client, admin)
            with Session(engine) as session, session.begin():
                store_measurements(session, bid_id)
            path = f"/v1/bids/{bid_id}/benefits"

            report: dict[str, Any] = {}

            def request() -> None:
                report.update(call(client, admin, "GET", path, params={"as_of": "2022-06-30"}))

            ours = statistics.median(timings(request))
            csv_time = statistics.median(timings(lambda: call_csv(client, admin, path)))

        def baseline() -> None:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(
                        Measurement.indicator_name,
                        Measurement.period_start,
                        Measurement.period_end,
                        Measurement.value,
                    ).where(
                        Measurement.bid_id == uuid.UUID(bid_id),
                        Measurement.superseded_at.is_(None),
                    )
                ).all()
            json.dumps([[r[0], r[1].isoformat(), r[2].isoformat(), r[3]] for r in rows])

        plain = statistics.median(timings(baseline))
        engine.dispose()

    periods = sum(len(i["periods"]) for i in report["indicators"])
    print(
        f"bid: {INDICATORS} indicators x {YEARS} years of monthly measurements "
        f"({INDICATORS * 12 * YEARS:,} rows); the report has {periods:,} indicator periods"
    )
    print(f"GET /v1/bids/{{id}}/benefits: median {ours * 1000:.1f} ms over {REPEATS} requests")
    print(f"  as CSV: median {csv_time * 1000:.1f} ms")
    print(f"baseline, one SELECT of the rows + json.dumps: median {plain * 1000:.1f} ms")
    print(f"ratio: the report takes {ours / plain:.1f}x the baseline")
    if ours > LIMIT_SECONDS:
        print(f"FAIL: median above {LIMIT_SECONDS * 1000:g} ms", file=sys.stderr)
        return 1
    return 0


def call_csv(client: TestClient, key: str, path: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    response = client.get(path, headers=headers, params={"as_of": "2022-06-30", "format": "csv"})
    if not response.is_success:
        raise RuntimeError(f"GET {path}: {response.status_code} {response.text}")


if __name__ == "__main__":
    sys.exit(main())
