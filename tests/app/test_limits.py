"""Bounded cost per request: the rate limit, the throttle on failed authentication, the pool of
computation slots, and the caps on what one bid may hold (README "Limits")."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.main import create_app
from app.rate_limit import RateLimit
from app.schemas.bids import (
    MAX_BIDS_PAGE,
    MAX_CONTENT_BYTES,
    MAX_COST_FLOWS,
    MAX_COST_LINES,
    MAX_HYPOTHESES,
    MAX_VERSIONS_PAGE,
)
from app.schemas.keys import Role
from app.schemas.logic_models import MAX_NODES
from app.schemas.portfolio import MAX_OPTIONS, MAX_REQUIRES, MAX_REQUIRES_TOTAL
from app.services.keys import issue_key
from app.settings import Settings
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body
from tests.conftest import SECRET

PROBLEM = "application/problem+json"


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Any]:
    """A client of an app of its own, built with `overrides` of the suite's settings."""
    clients: list[TestClient] = []

    def make(
        address: str = "testclient", app: FastAPI | None = None, **overrides: Any
    ) -> TestClient:
        app = app or create_app(settings.model_copy(update=overrides))
        client = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def admin_key(engine: Engine) -> str:
    with Session(engine) as session, session.begin():
        return issue_key(session, SECRET, Role.ADMIN, "limits admin").key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def made_up_key() -> str:
    return f"bpv_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


def fields(header: str) -> dict[str, str]:
    """`"key";r=2;t=20` as {"policy": "key", "r": "2", "t": "20"}."""
    name, *params = header.split(";")
    return {"policy": name.strip('"'), **dict(p.split("=", 1) for p in params)}


def test_a_key_over_its_burst_is_answered_429_with_retry_after(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(rate_limit_requests=3, rate_limit_window_seconds=60)
    key = admin_key(engine)
    answers = [client.get("/v1/footprints", headers=bearer(key)) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["type"] == "urn:bpv:problem:too-many-requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 20
    assert fields(refused.headers["RateLimit"])["r"] == "0"


def test_every_answer_says_the_quota_and_what_is_left_of_it(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(rate_limit_requests=300, rate_limit_window_seconds=60)
    key = admin_key(engine)
    first = client.get("/v1/footprints", headers=bearer(key))
    second = client.get("/v1/footprints", headers=bearer(key))

    assert first.headers["RateLimit-Policy"] == '"key";q=300;w=60'
    assert fields(first.headers["RateLimit"])["r"] == "299"
    assert fields(second.headers["RateLimit"])["r"] == "298"
    assert re.fullmatch(r"\d+", fields(second.headers["RateLimit"])["t"])
    # Liveness probes are never throttled, so they carry no quota.
    assert "RateLimit" not in client.get("/healthz").headers


def test_made_up_keys_count_against_the_address_so_they_cannot_evade_the_limit(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(rate_limit_requests=5, auth_failures_max=1000)
    answers = [client.get("/v1/footprints", headers=bearer(made_up_key())) for _ in range(6)]

    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert fields(answers[-1].headers["RateLimit"])["policy"] == "address"
    # Another client, with a real key, is not held back by them.
    app = client.app
    elsewhere = make_client(address="192.0.2.7", app=app)
    assert elsewhere.get("/v1/footprints", headers=bearer(admin_key(engine))).status_code == 200


def test_knowing_a_keys_prefix_does_not_spend_its_quota(make_client: Any, engine: Engine) -> None:
    client = make_client(rate_limit_requests=3, auth_failures_max=1000)
    key = admin_key(engine)
    assert client.get("/v1/footprints", headers=bearer(key)).status_code == 200
    prefix = key.split("_")[1]
    guesser = make_client(address="198.51.100.9", app=client.app)
    guesses = [
        guesser.get("/v1/footprints", headers=bearer(f"bpv_{prefix}_wrong{i}")) for i in range(4)
    ]

    assert [g.status_code for g in guesses] == [401, 401, 401, 429]
    assert client.get("/v1/footprints", headers=bearer(key)).status_code == 200


def test_repeated_failed_authentication_is_refused_before_the_database_is_asked(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(auth_failures_max=5, auth_failures_window_seconds=300)
    failures = [client.get("/v1/rounds", headers=bearer(made_up_key())) for _ in range(5)]
    assert {f.status_code for f in failures} == {401}
    statements: list[str] = []
    app_engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(app_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    throttled = client.get("/v1/rounds", headers=bearer(admin_key(engine)))

    assert throttled.status_code == 429
    assert throttled.json()["type"] == "urn:bpv:problem:too-many-requests"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 300
    assert not statements
    # The same key from another address is let in.
    elsewhere = make_client(address="203.0.113.5", app=client.app)
    assert elsewhere.get("/v1/rounds", headers=bearer(admin_key(engine))).status_code == 200


def test_guessing_one_keys_secret_from_many_addresses_is_throttled_on_the_key(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(auth_failures_max=3)
    prefix = admin_key(engine).split("_")[1]
    guesses = [
        make_client(address=f"192.0.2.{i}", app=client.app).get(
            "/v1/rounds", headers=bearer(f"bpv_{prefix}_guess{i}")
        )
        for i in range(4)
    ]

    assert [g.status_code for g in guesses] == [401, 401, 401, 429]


def preview() -> dict[str, Any]:
    return {
        "base_year": 2017,
        "costs": [{"name": "nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 100}]}],
        "benefits": [],
    }


def test_a_full_computation_pool_answers_503_with_retry_after(
    make_client: Any, engine: Engine
) -> None:
    client = make_client(compute_slots=1, compute_wait_seconds=0.05)
    key = bearer(admin_key(engine))
    pool = client.app.state.compute_pool  # type: ignore[attr-defined]
    with pool.slot():  # another request holds the only slot
        busy = client.post("/v1/appraisals", json=preview(), headers=key)

    assert busy.status_code == 503
    assert busy.headers["content-type"] == PROBLEM
    assert busy.json()["type"] == "urn:bpv:problem:server-busy"
    assert int(busy.headers["Retry-After"]) >= 1
    # Freed, the slot serves one request after another: each gives it back when done.
    again = [client.post("/v1/appraisals", json=preview(), headers=key) for _ in range(3)]
    assert [a.status_code for a in again] == [200, 200, 200]


@pytest.mark.parametrize("heavy", ["appraisal", "logic-model/findings"])
def test_a_bids_appraisal_and_findings_wait_for_a_slot_too(
    make_client: Any, world: World, heavy: str
) -> None:
    client = make_client(compute_slots=1, compute_wait_seconds=0.05)
    bid = world.draft_bid()
    office = Caller(client, world.office.key)
    with client.app.state.compute_pool.slot():  # type: ignore[attr-defined]
        busy = office.get(f"/v1/bids/{bid['id']}/{heavy}")
    assert busy.status_code == 503
    assert office.get(f"/v1/bids/{bid['id']}/{heavy}").status_code == 200


def cost_line(i: int) -> dict[str, Any]:
    return {"name": f"line {i}", "kind": "revenue", "flows": [{"year": 2018, "amount": 1000}]}


def test_a_bid_holds_at_most_the_capped_number_of_cost_lines(world: World) -> None:
    lines = [cost_line(i) for i in range(MAX_COST_LINES)]
    bid = world.draft_bid(cost_lines=lines)
    over = world.office.patch(
        f"/v1/bids/{bid['id']}",
        json={"cost_lines": [*lines, cost_line(MAX_COST_LINES)]},
        headers={"If-Match": "*"},
    )

    assert over.status_code == 422
    assert [e["field"] for e in over.json()["errors"]] == ["cost_lines"]
    assert len(world.office.get(f"/v1/bids/{bid['id']}").json()["cost_lines"]) == MAX_COST_LINES


def test_a_bid_holds_at_most_the_capped_number_of_cost_flows(world: World) -> None:
    years = MAX_COST_FLOWS // 100
    line = {"name": "staff", "kind": "revenue"}
    lines = [
        {**line, "flows": [{"year": 2018 + y, "amount": 1.0} for y in range(years)]}
        for _ in range(100)
    ]
    assert len(world.draft_bid(cost_lines=lines)["cost_lines"]) == 100
    lines[0]["flows"].append({"year": 2018 + years, "amount": 1.0})
    over = world.office.post(
        "/v1/bids",
        json={"round_id": world.round["id"], "title": "T", "programme_area": "diabetes",
              "cost_lines": lines},
    )  # fmt: skip

    assert over.status_code == 422
    assert [e["field"] for e in over.json()["errors"]] == ["cost_lines"]


def test_a_bids_content_over_the_byte_cap_is_refused_naming_its_largest_field(
    world: World,
) -> None:
    # Each request is under the body limit; together they would pass the content's cap.
    flows = [{"year": 2018 + y, "amount": 1000.0} for y in range(100)]
    lines = [{"name": f"line {i}", "kind": "revenue", "flows": flows} for i in range(100)]
    bid = world.draft_bid(cost_lines=lines)
    risk = {"description": "x" * 9_000, "mitigation": "y" * 9_000, "likelihood": "low"}
    risks = [{**risk, "impact": "low"} for _ in range(MAX_CONTENT_BYTES * 3 // 4 // 18_000)]
    over = world.office.patch(
        f"/v1/bids/{bid['id']}", json={"risks": risks}, headers={"If-Match": "*"}
    )

    assert over.status_code == 422
    assert [e["field"] for e in over.json()["errors"]] == ["risks"]
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["risks"] == []


def test_a_page_of_bids_is_bounded(world: World) -> None:
    too_big = world.office.get("/v1/bids", params={"limit": MAX_BIDS_PAGE + 1})
    assert too_big.status_code == 422
    assert world.office.get("/v1/bids").json()["limit"] == MAX_BIDS_PAGE


def test_a_full_bid_version_refuses_another_hypothesis(world: World) -> None:
    draft = world.draft_bid()
    model = world.office.put(
        f"/v1/bids/{draft['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert model.status_code == 200, model.text
    for _ in range(MAX_HYPOTHESES):
        world.office.created(f"/v1/bids/{draft['id']}/hypotheses", hypothesis_body())
    full = world.office.post(f"/v1/bids/{draft['id']}/hypotheses", json=hypothesis_body())

    assert full.status_code == 409
    assert full.json()["errors"][0]["field"] == "hypotheses"
    listed = world.office.get(
        f"/v1/bids/{draft['id']}/hypotheses", params={"limit": 200, "total": "true"}
    )
    assert listed.json()["total"] == MAX_HYPOTHESES


def test_a_page_of_versions_is_bounded(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"
    for _ in range(2):
        assert world.office.post(f"{url}/revise").status_code == 200
        assert world.office.post(f"{url}/submit").status_code == 200

    too_big = world.office.get(f"{url}/versions", params={"limit": MAX_VERSIONS_PAGE + 1})
    assert too_big.status_code == 422
    page = world.office.get(
        f"{url}/versions", params={"limit": 1, "offset": 1, "total": "true"}
    ).json()
    assert [v["version"] for v in page["items"]] == [2]
    assert page["total"] == 3
    assert [len(v["hypotheses"]) for v in page["items"]] == [1]
    assert world.office.get(f"{url}/versions").json()["limit"] == MAX_VERSIONS_PAGE


def test_a_logic_model_over_the_node_cap_is_refused(world: World) -> None:
    bid = world.draft_bid()
    nodes = [{"key": f"n{i}", "kind": "activity", "label": "x"} for i in range(MAX_NODES + 1)]
    refused = world.office.put(
        f"/v1/bids/{bid['id']}/logic-model",
        json={"nodes": nodes, "edges": []},
        headers={"If-Match": "*"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "nodes"


def test_a_refused_client_is_let_in_again_once_its_retry_after_has_passed() -> None:
    async def ok(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    now = [1000.0]
    limited = RateLimit(ok, requests=2, window_seconds=60, clock=lambda: now[0])

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=limited, client=("192.0.2.1", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://bpv") as client:
            answers = [await client.get("/v1/rounds") for _ in range(3)]
            assert [a.status_code for a in answers] == [204, 204, 429]
            wait = int(answers[-1].headers["Retry-After"])
            assert wait == 30  # one request's worth of a quota of 2 per 60 s
            now[0] += wait - 1
            assert (await client.get("/v1/rounds")).status_code == 429
            now[0] += 1
            assert (await client.get("/v1/rounds")).status_code == 204

    asyncio.run(scenario())


def test_a_portfolio_over_the_caps_on_options_or_requires_is_refused(
    make_client: Any, world: World
) -> None:
    # The caps lie inside the default 10 MiB body limit, which the suite's app lowers.
    office = Caller(make_client(max_body_bytes=10 * 1024 * 1024), world.office.key)

    def optimise(options: list[dict[str, Any]]) -> list[str]:
        body = {"budget": {"total": 1}, "options": options}
        response = office.post("/v1/portfolio/optimise", json=body)
        assert response.status_code == 422, response.text
        return [error["field"] for error in response.json()["errors"]]

    many = [{"id": str(i), "cost": 0, "value": 0} for i in range(MAX_OPTIONS + 1)]
    count = MAX_REQUIRES_TOTAL // MAX_REQUIRES + 1
    requiring = [
        {"id": str(i), "cost": 0, "value": 0, "requires": [str(j) for j in range(MAX_REQUIRES)]}
        for i in range(count)
    ]

    assert optimise(many) == ["options"]
    assert optimise(requiring) == ["options"]
