"""Measurements and spend from integrations: a batch is stored whole or not at all, corrections
keep the history, and every row says which batch, account and key it came from."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Barrier
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from app.tables import Measurement, MeasurementBatch, Spend
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body, nurse_costs
from tests.conftest import SECRET
from tests.live_server import live_server

ADMISSIONS = "Emergency admissions"
HBA1C = "HbA1c"


@dataclass
class FundedBid:
    id: str
    admissions: str  # hypothesis ids
    control: str
    cost_line: str


def funded_bids(world: World, *callers: Caller, outcome: str = "approved") -> list[FundedBid]:
    """A bid per caller (a programme office), each with a hypothesis on admissions and one on
    HbA1c, submitted and decided with `outcome` in the world's round."""
    bids = []
    for caller in callers:
        bid = world.draft_bid(caller, cost_lines=[nurse_costs()])
        url = f"/v1/bids/{bid['id']}"
        caller.put(f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"})
        admissions = caller.created(f"{url}/hypotheses", hypothesis_body())
        control = caller.created(
            f"{url}/hypotheses",
            hypothesis_body(
                edge={"source": "clinics", "target": "control"},
                indicator={"name": HBA1C, "unit": "mmol/mol", "direction": "decrease"},
            ),
        )
        submitted = caller.post(f"{url}/submit")
        assert submitted.status_code == 200, submitted.text
        bids.append(
            FundedBid(bid["id"], admissions["id"], control["id"], bid["cost_lines"][0]["id"])
        )
    world.move_round("closed")
    decisions = {
        "decisions": [
            {
                "bid_id": bid.id,
                "outcome": outcome,
                "rationale": "As the panel agreed.",
                **({"conditions": ["Quarterly reports."]} if "conditions" in outcome else {}),
            }
            for bid in bids
        ]
    }
    recorded = world.chair.post(f"/v1/rounds/{world.round['id']}/decisions", json=decisions)
    assert recorded.status_code == 201, recorded.text
    world.move_round("decided")  # the decisions take effect
    return bids


@pytest.fixture
def funded(world: World) -> FundedBid:
    (bid,) = funded_bids(world, world.office)
    return bid


def monthly(
    bid_id: str,
    months: int,
    *,
    indicator: str = ADMISSIONS,
    value: float = 100.0,
    source: str = "SUS",
) -> list[dict[str, Any]]:
    """`months` monthly figures from April 2018."""
    items = []
    for n in range(months):
        year, month = 2018 + (3 + n) // 12, (3 + n) % 12 + 1
        end_year, end_month = (year, month + 1) if month < 12 else (year + 1, 1)
        items.append(
            {
                "bid_id": bid_id,
                "indicator": indicator,
                "period_start": f"{year}-{month:02d}-01",
                "period_end": _day_before(end_year, end_month),
                "value": value + n,
                "source": source,
            }
        )
    return items


def _day_before(year: int, month: int) -> str:
    return (dt.date(year, month, 1) - dt.timedelta(days=1)).isoformat()


def stored(engine: Engine) -> tuple[int, int, int]:
    """How many measurements, spend rows and batches the database holds."""
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Measurement)) or 0,
            session.scalar(select(func.count()).select_from(Spend)) or 0,
            session.scalar(select(func.count()).select_from(MeasurementBatch)) or 0,
        )


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in response.json()["errors"]]


def test_a_batch_is_stored_with_its_provenance(
    world: World, funded: FundedBid, engine: Engine
) -> None:
    spend = [
        {
            "bid_id": funded.id,
            "cost_line_id": funded.cost_line,
            "year": 2018,
            "amount": 60_000,
            "source": "ledger",
        }
    ]
    body = {"measurements": monthly(funded.id, 3), "spend": spend}

    posted = world.integration.post("/v1/measurements", json=body)
    listed = world.office.get(f"/v1/bids/{funded.id}/measurements").json()
    spent = world.office.get(f"/v1/bids/{funded.id}/spend").json()
    (key,) = [
        k for k in world.admin.get("/v1/api-keys").json()["items"] if k["role"] == "integration"
    ]

    assert posted.status_code == 201, posted.text
    accepted = posted.json()
    assert accepted == {
        "batch_id": accepted["batch_id"],
        "measurements": 3,
        "spend": 1,
        "superseded": 0,
    }
    assert stored(engine) == (3, 1, 1)
    assert [(m["period_start"], m["value"]) for m in listed["items"]] == [
        ("2018-04-01", 100.0),
        ("2018-05-01", 101.0),
        ("2018-06-01", 102.0),
    ]
    first = listed["items"][0]
    assert first["hypothesis_id"] == funded.admissions  # the one hypothesis naming it
    assert first["superseded_at"] is None
    assert first["provenance"]["batch_id"] == accepted["batch_id"]
    assert first["provenance"]["account_id"] == key["account_id"]
    assert first["provenance"]["api_key_id"] == key["id"]
    assert spent["items"][0]["amount"] == 60_000
    assert spent["items"][0]["provenance"]["batch_id"] == accepted["batch_id"]


def test_a_bad_item_at_the_end_stores_nothing(
    world: World, funded: FundedBid, engine: Engine
) -> None:
    items = monthly(funded.id, 24)
    items[-1]["period_end"] = "2018-01-01"

    refused = world.integration.post("/v1/measurements", json={"measurements": items})

    assert fields(refused) == ["measurements[23].period_end"]
    assert refused.json()["type"] == "urn:bpv:problem:validation-error"
    assert stored(engine) == (0, 0, 0)


def test_every_bad_item_is_named_in_one_answer(world: World, engine: Engine) -> None:
    draft = world.draft_bid()
    ours, theirs = funded_bids(world, world.office, world.other_office)
    month = monthly(ours.id, 12)
    line = {
        "bid_id": ours.id,
        "cost_line_id": ours.cost_line,
        "year": 2018,
        "amount": 1,
        "source": "ledger",
    }
    measurements = [
        month[0],
        {**month[1], "bid_id": str(uuid.uuid4())},  # 1 unknown bid
        {**month[2], "bid_id": theirs.id},  # 2 another footprint's: reported as unknown
        {**month[3], "bid_id": draft["id"]},  # 3 not funded
        {**month[4], "indicator": "Bed days"},  # 4 no hypothesis names it
        {**month[5], "hypothesis_id": str(uuid.uuid4())},  # 5 no such hypothesis
        {**month[6], "hypothesis_id": ours.control},  # 6 it names HbA1c
        {**month[7], "period_end": "2018-01-31"},  # 7 ends before it starts
        {**month[8], "value": float("nan")},  # 8 not finite
        {**month[0], "value": 5},  # 9 repeats item 0
        {**month[10], "source": " "},  # 10 blank source
        {**month[11], "colour": "red"},  # 11 unknown field
    ]
    spend = [
        line,
        {**line, "cost_line_id": str(uuid.uuid4())},  # 1 not a line of the decided version
        {**line, "year": 1800, "source": "other"},  # 2 not a financial year
        {**line, "amount": 2},  # 3 repeats spend[0]
        {**line, "bid_id": theirs.id, "cost_line_id": theirs.cost_line},  # 4 unknown
    ]

    refused = world.integration.post(
        "/v1/measurements",
        # As JSON texts from other languages may carry it: NaN, which httpx would refuse.
        content=json.dumps({"measurements": measurements, "spend": spend}),
        headers={"Content-Type": "application/json"},
    )

    assert fields(refused) == [
        "measurements[1].bid_id",
        "measurements[2].bid_id",
        "measurements[3].bid_id",
        "measurements[4].indicator",
        "measurements[5].hypothesis_id",
        "measurements[6].hypothesis_id",
        "measurements[7].period_end",
        "measurements[8].value",
        "measurements[9].source",
        "measurements[10].source",
        "measurements[11].colour",
        "spend[1].cost_line_id",
        "spend[2].year",
        "spend[3].source",
        "spend[4].bid_id",
    ]
    errors = refused.json()["errors"]
    assert errors[0]["message"].startswith("no bid ")
    assert errors[0]["message"].replace(measurements[1]["bid_id"], "?") == errors[1][
        "message"
    ].replace(theirs.id, "?")
    assert "draft" in errors[2]["message"]
    assert errors[8]["message"].startswith("repeats")
    assert {errors[n]["type"] for n in (*range(7), 8)} == {"domain"}  # beyond the schema
    assert "measurements[0]" in errors[8]["message"]
    assert refused.json()["detail"].startswith("15 of the batch's 17 items are not valid")
    assert stored(engine) == (0, 0, 0)


def test_a_hypothesis_named_must_name_the_indicator(world: World, funded: FundedBid) -> None:
    item = {**monthly(funded.id, 1, indicator=HBA1C)[0], "hypothesis_id": funded.control}

    posted = world.integration.post("/v1/measurements", json={"measurements": [item]})
    (row,) = world.office.get(f"/v1/bids/{funded.id}/measurements").json()["items"]

    assert posted.status_code == 201, posted.text
    assert row["hypothesis_id"] == funded.control
    assert row["indicator"] == HBA1C


def test_a_retry_with_the_same_key_stores_once(
    world: World, funded: FundedBid, engine: Engine
) -> None:
    body = {"measurements": monthly(funded.id, 12)}
    headers = {"Idempotency-Key": "sus-2018-19"}

    first = world.integration.post("/v1/measurements", json=body, headers=headers)
    retry = world.integration.post("/v1/measurements", json=body, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert stored(engine) == (12, 0, 1)


def test_five_concurrent_posts_of_one_batch_with_one_key_store_once(
    world: World, funded: FundedBid, database_url: str, engine: Engine
) -> None:
    body = {"measurements": monthly(funded.id, 60)}
    headers = {"Authorization": f"Bearer {world.integration.key}", "Idempotency-Key": "five"}
    start = Barrier(5)

    with live_server(database_url, SECRET) as server:

        def post(_: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                start.wait()
                return client.post("/v1/measurements", json=body)

        with ThreadPoolExecutor(5) as pool:
            answers = list(pool.map(post, range(5)))

    assert [a.status_code for a in answers] == [201] * 5, [a.text for a in answers]
    assert len({a.json()["batch_id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 4
    assert stored(engine) == (60, 0, 1)


def test_a_correction_supersedes_and_the_history_keeps_both(
    world: World, funded: FundedBid
) -> None:
    line = {
        "bid_id": funded.id,
        "cost_line_id": funded.cost_line,
        "year": 2018,
        "amount": 50_000,
        "source": "ledger",
    }
    first = world.integration.created(
        "/v1/measurements", {"measurements": monthly(funded.id, 2), "spend": [line]}
    )
    corrected = monthly(funded.id, 1, value=90.0)  # April again, same source
    other_source = monthly(funded.id, 1, value=95.0, source="GP extract")
    second = world.integration.created(
        "/v1/measurements",
        {"measurements": corrected + other_source, "spend": [{**line, "amount": 55_000}]},
    )
    url = f"/v1/bids/{funded.id}"

    current = world.office.get(f"{url}/measurements").json()["items"]
    history = world.office.get(f"{url}/measurements", params={"include_history": "true"}).json()
    spend_history = world.office.get(f"{url}/spend", params={"include_history": True}).json()

    assert second["superseded"] == 2
    assert [(m["period_start"], m["source"], m["value"]) for m in current] == [
        ("2018-04-01", "GP extract", 95.0),
        ("2018-04-01", "SUS", 90.0),
        ("2018-05-01", "SUS", 101.0),
    ]
    april_sus = [
        m for m in history["items"] if m["period_start"] == "2018-04-01" and m["source"] == "SUS"
    ]
    assert history["total"] == 4
    assert [(m["value"], m["provenance"]["batch_id"]) for m in april_sus] == [
        (100.0, first["batch_id"]),
        (90.0, second["batch_id"]),
    ]
    assert april_sus[0]["superseded_at"] is not None
    assert april_sus[1]["superseded_at"] is None
    assert [(s["amount"], s["superseded_at"] is None) for s in spend_history["items"]] == [
        (50_000, False),
        (55_000, True),
    ]


def test_an_integration_of_another_footprint_finds_no_bid(
    world: World, funded: FundedBid, engine: Engine
) -> None:
    theirs = world.key("integration", footprint_id=world.other_footprint["id"])

    refused = theirs.post("/v1/measurements", json={"measurements": monthly(funded.id, 2)})

    assert fields(refused) == ["measurements[0].bid_id", "measurements[1].bid_id"]
    assert all(e["message"].startswith("no bid ") for e in refused.json()["errors"])
    assert theirs.get(f"/v1/bids/{funded.id}/measurements").status_code == 404
    assert stored(engine) == (0, 0, 0)


def test_only_an_integration_posts_measurements(world: World, funded: FundedBid) -> None:
    body = {"measurements": monthly(funded.id, 1)}

    for caller in (world.office, world.admin, world.chair, world.assessor):
        refused = caller.post("/v1/measurements", json=body)
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"] == "urn:bpv:problem:forbidden"


def test_the_history_is_seen_by_the_footprint_the_panel_and_admins(
    world: World, funded: FundedBid
) -> None:
    world.integration.created("/v1/measurements", {"measurements": monthly(funded.id, 1)})
    url = f"/v1/bids/{funded.id}/measurements"
    other_round_chair = world.key("chair", round_id=world.other_round["id"])

    seen = [
        c.get(url).status_code
        for c in (world.office, world.integration, world.chair, world.assessor, world.admin)
    ]
    unseen = [c.get(url).status_code for c in (world.other_office, other_round_chair)]

    assert seen == [200] * 5
    assert unseen == [404, 404]


def test_a_bid_not_yet_decided_or_rejected_takes_no_measurements(world: World) -> None:
    (rejected,) = funded_bids(world, world.office, outcome="rejected")

    refused = world.integration.post(
        "/v1/measurements", json={"measurements": monthly(rejected.id, 1)}
    )

    assert fields(refused) == ["measurements[0].bid_id"]
    assert "rejected" in refused.json()["errors"][0]["message"]


def test_a_closed_bid_takes_no_more(world: World, funded: FundedBid) -> None:
    assert world.admin.post(f"/v1/bids/{funded.id}/start-delivery").status_code == 200
    in_delivery = world.integration.post(
        "/v1/measurements", json={"measurements": monthly(funded.id, 1)}
    )
    assert world.admin.post(f"/v1/bids/{funded.id}/close").status_code == 200

    closed = world.integration.post(
        "/v1/measurements", json={"measurements": monthly(funded.id, 1, source="late")}
    )

    assert in_delivery.status_code == 201
    assert fields(closed) == ["measurements[0].bid_id"]


@pytest.fixture
def roomy_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app with the default 10 MiB body limit (the suite's app lowers it)."""
    app = create_app(settings.model_copy(update={"max_body_bytes": 10 * 1024 * 1024}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_empty_batch_is_refused(world: World, engine: Engine) -> None:
    empty = world.integration.post("/v1/measurements", json={"measurements": []})

    assert fields(empty) == ["spend"]
    assert stored(engine) == (0, 0, 0)


def test_a_batch_holds_at_most_ten_thousand_items(
    world: World, funded: FundedBid, roomy_client: TestClient, engine: Engine
) -> None:
    integration = Caller(roomy_client, world.integration.key)
    item = monthly(funded.id, 1)[0]
    line = {
        "bid_id": funded.id,
        "cost_line_id": funded.cost_line,
        "year": 2018,
        "amount": 1,
        "source": "ledger",
    }
    full = [{**item, "source": f"s{n}"} for n in range(10_000)]

    too_many = integration.post("/v1/measurements", json={"measurements": [*full, item]})
    too_many_together = integration.post(
        "/v1/measurements", json={"measurements": full[:9_999], "spend": [line, line]}
    )
    accepted = integration.post("/v1/measurements", json={"measurements": full})

    assert fields(too_many) == ["measurements"]
    assert fields(too_many_together) == ["spend"]
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["measurements"] == 10_000
    assert stored(engine) == (10_000, 0, 1)
