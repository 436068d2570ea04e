"""Decisions over HTTP: the chair records them all together or not at all, each with the version,
snapshot and ranking entry it was made on; they never change; deciding the round gives bids
their outcomes, and funded bids reach their footprint's integration."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.tables import AppraisalSnapshot, BidVersion, Decision
from tests.app.conftest import Caller, World
from tests.app.ranked_round import Panel, set_envelope, submitted_bid
from tests.app.test_exports import as_csv, as_xlsx, csv_rows, xlsx_rows


def decisions_path(world: World) -> str:
    return f"/v1/rounds/{world.round['id']}/decisions"


def decide(world: World, *items: dict[str, Any], caller: Caller | None = None, **kw: Any) -> Any:
    return (caller or world.chair).post(
        decisions_path(world), json={"decisions": list(items)}, **kw
    )


def approve(bid: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"bid_id": bid["id"], "outcome": "approved", "rationale": "Strong case.", **fields}


def reject(bid: dict[str, Any]) -> dict[str, Any]:
    return {"bid_id": bid["id"], "outcome": "rejected", "rationale": "Below the line."}


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Decision)) or 0)


def fields_of(response: Any) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


@pytest.fixture
def bids(world: World) -> dict[str, dict[str, Any]]:
    """Three bids of a closed round, scored; the envelope holds the first two."""
    bids = {
        "funded": submitted_bid(world, title="Funded", funding=100_000),
        "conditional": submitted_bid(world, title="Conditional", funding=100_000),
        "rejected": submitted_bid(world, world.other_office, title="Rejected", funding=100_000),
    }
    set_envelope(world, {"total": 200_000})
    world.move_round("closed")
    panel = Panel(world)
    assessor = panel.assessor("A")
    for (name, bid), score in zip(bids.items(), (5, 4, 1), strict=True):
        assert name
        panel.assess(bid["id"], assessor, strategic_fit=score, deliverability=score)
    return bids


def all_three(bids: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        approve(bids["funded"]),
        {
            "bid_id": bids["conditional"]["id"],
            "outcome": "approved_with_conditions",
            "rationale": "Good, if it reports quarterly.",
            "conditions": ["Quarterly reports", "A named clinical lead"],
        },
        reject(bids["rejected"]),
    ]


def test_a_decided_round_gives_bids_their_outcomes_and_funded_bids_reach_the_integration(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    ranking = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking").json()
    ranked = {item["bid_id"]: item for item in ranking["items"]}

    recorded = decide(world, *all_three(bids))

    assert recorded.status_code == 201, recorded.text
    decisions = {d["bid_id"]: d for d in recorded.json()["decisions"]}
    funded = decisions[bids["funded"]["id"]]
    assert funded["outcome"] == "approved"
    assert funded["bid_version"] == 1
    assert funded["criteria_version"] == world.round["criteria_version"]
    with Session(engine) as session:
        snapshot = session.scalars(
            select(AppraisalSnapshot)
            .join(BidVersion, BidVersion.id == AppraisalSnapshot.bid_version_id)
            .where(BidVersion.bid_id == uuid.UUID(bids["funded"]["id"]))
        ).one()
    assert funded["snapshot_id"] == str(snapshot.id)
    assert funded["appraisal"]["bcr"] == snapshot.bcr
    # The ranking entry it was decided on is the one the round's ranking gives.
    entry = funded["ranking"]
    expected = ranked[bids["funded"]["id"]]
    assert entry["rank"] == expected["rank"] == 1
    assert entry["weighted_score"] == expected["weighted_score"]
    assert entry["value_score"] == expected["value_score"]
    assert entry["p_above_line"] == expected["p_above_line"]
    assert entry["rank_range"] == expected["rank_range"]
    assert entry["funding_line"] == ranking["funding_line"]
    assert entry["stability"] == {"draws": 1000, "spread": 0.2, "seed": 0}
    assert entry["inside_line"] is True
    assert decisions[bids["rejected"]["id"]]["ranking"]["inside_line"] is False
    assert decisions[bids["conditional"]["id"]]["conditions"] == [
        "Quarterly reports",
        "A named clinical lead",
    ]
    assert funded["decided_by"]["name"] == "test chair"

    # Until the round is decided the bids stay under assessment.
    assert world.office.get(f"/v1/bids/{bids['funded']['id']}").json()["status"] == (
        "under_assessment"
    )
    assert world.integration.get(f"/v1/bids/{bids['funded']['id']}").status_code == 404
    world.move_round("decided")

    statuses = {
        name: world.admin.get(f"/v1/bids/{bid['id']}").json()["status"]
        for name, bid in bids.items()
    }
    assert statuses == {
        "funded": "approved",
        "conditional": "approved_with_conditions",
        "rejected": "rejected",
    }
    for name in ("funded", "conditional"):
        seen = world.integration.get(f"/v1/bids/{bids[name]['id']}")
        assert seen.status_code == 200
        assert seen.json()["status"] == statuses[name]
    other_integration = world.key("integration", footprint_id=world.other_footprint["id"])
    assert other_integration.get(f"/v1/bids/{bids['rejected']['id']}").status_code == 404

    # A decided round is read-only, and its ranking is still there to read.
    patched = world.admin.patch(
        f"/v1/rounds/{world.round['id']}", json={"name": "Renamed"}, headers={"If-Match": "*"}
    )
    assert patched.status_code == 409
    again = decide(world, approve(bids["funded"]))
    assert again.status_code == 409
    assert "read-only" in again.json()["detail"]
    after = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking").json()
    assert [i["bid_id"] for i in after["items"]] == [i["bid_id"] for i in ranking["items"]]


def test_the_round_cannot_be_decided_while_a_bid_has_no_decision(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    assert decide(world, approve(bids["funded"])).status_code == 201

    response = world.admin.patch(
        f"/v1/rounds/{world.round['id']}", json={"status": "decided"}, headers={"If-Match": "*"}
    )

    assert response.status_code == 409


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_a_decision_is_never_changed_or_deleted(
    world: World, bids: dict[str, dict[str, Any]], method: str
) -> None:
    decision = decide(world, approve(bids["funded"])).json()["decisions"][0]
    path = f"{decisions_path(world)}/{decision['id']}"

    response = world.chair.request(method, path, json={"outcome": "rejected"})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert world.chair.get(path).json() == decision


def test_one_bad_item_stores_nothing(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    items = all_three(bids)
    del items[1]["conditions"]
    items[2]["conditions"] = ["Not for a rejection"]

    response = decide(world, *items)

    assert response.status_code == 422
    assert fields_of(response) == ["decisions[1].conditions", "decisions[2].conditions"]
    assert stored(engine) == 0
    assert world.chair.get(decisions_path(world)).json()["total"] == 0


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"rationale": ""}, "decisions[0].rationale"),
        ({"rationale": " \n "}, "decisions[0].rationale"),
        (
            {"outcome": "approved_with_conditions", "conditions": [" "]},
            "decisions[0].conditions[0]",
        ),
        ({"outcome": "maybe"}, "decisions[0].outcome"),
        ({"portfolio_id": str(uuid.uuid4())}, "decisions[0].portfolio_id"),
        ({"bid_id": str(uuid.uuid4())}, "decisions[0].bid_id"),
    ],
)
def test_a_bad_item_is_refused_naming_its_field(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]], item: dict[str, Any], field: str
) -> None:
    response = decide(world, {**approve(bids["funded"]), **item}, approve(bids["conditional"]))

    assert response.status_code == 422
    assert fields_of(response) == [field]
    assert stored(engine) == 0


def test_a_decision_names_the_portfolio_run_it_came_from(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    run = world.chair.created(f"/v1/rounds/{world.round['id']}/portfolio", {})
    assert sorted(run["selected"]) == sorted([bids["funded"]["id"], bids["conditional"]["id"]])

    response = decide(world, approve(bids["funded"], portfolio_id=run["id"]))

    assert response.status_code == 201, response.text
    [decision] = response.json()["decisions"]
    assert decision["portfolio_id"] == run["id"]
    assert world.chair.get(f"{decisions_path(world)}/{decision['id']}").json() == decision
    with Session(engine) as session:
        assert session.scalars(select(Decision.portfolio_id)).one() == uuid.UUID(run["id"])


def test_a_bid_of_another_round_or_decided_twice_in_one_request_is_refused(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    elsewhere = world.draft_bid(round_id=world.other_round["id"])

    response = decide(world, approve(bids["funded"]), approve(elsewhere), approve(bids["funded"]))

    assert response.status_code == 422
    assert fields_of(response) == ["decisions[1].bid_id", "decisions[2].bid_id"]
    assert stored(engine) == 0


def test_a_bid_is_decided_once(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    assert decide(world, approve(bids["funded"])).status_code == 201

    response = decide(world, approve(bids["conditional"]), reject(bids["funded"]))

    assert response.status_code == 409
    assert fields_of(response) == ["decisions[1].bid_id"]
    assert stored(engine) == 1


def test_a_retry_with_the_same_idempotency_key_stores_once(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    headers = {"Idempotency-Key": "decisions-2017-1"}
    first = decide(world, *all_three(bids), headers=headers)
    retry = decide(world, *all_three(bids), headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert stored(engine) == 3


@pytest.mark.parametrize("role", ["admin", "office", "assessor", "integration"])
def test_only_the_chair_records_decisions(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]], role: str
) -> None:
    response = decide(world, approve(bids["funded"]), caller=getattr(world, role))

    assert response.status_code == 403
    assert stored(engine) == 0


def test_another_rounds_chair_does_not_see_the_round(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    other_chair = world.key("chair", round_id=world.other_round["id"])

    assert decide(world, approve(bids["funded"]), caller=other_chair).status_code == 404


def test_decisions_wait_for_the_round_to_close(world: World, engine: Engine) -> None:
    bid = submitted_bid(world, title="Early", funding=1_000)

    response = decide(world, approve(bid))

    assert response.status_code == 409
    assert stored(engine) == 0


def test_a_bid_without_a_snapshot_is_not_decided(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    with Session(engine) as session, session.begin():
        version = session.scalars(
            select(BidVersion).where(BidVersion.bid_id == uuid.UUID(bids["funded"]["id"]))
        ).one()
        session.execute(
            AppraisalSnapshot.__table__.delete().where(
                AppraisalSnapshot.bid_version_id == version.id
            )
        )

    response = decide(world, approve(bids["conditional"]), approve(bids["funded"]))

    assert response.status_code == 409
    assert fields_of(response) == ["decisions[1].bid_id"]
    assert stored(engine) == 0


def test_a_programme_office_reads_its_own_footprints_decisions_without_who_made_them(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    decide(world, *all_three(bids))

    chair = world.chair.get(decisions_path(world)).json()
    office = world.office.get(decisions_path(world)).json()
    other = world.other_office.get(decisions_path(world)).json()

    assert chair["total"] == 3
    assert {d["title"] for d in office["items"]} == {"Funded", "Conditional"}
    assert [d["title"] for d in other["items"]] == ["Rejected"]
    for decision in office["items"]:
        assert decision["decided_by"] is None
        assert decision["ranking"]["cumulative_funding"] is None
        assert decision["ranking"]["funding_line"]["funded_total"] is None
    rejected = other["items"][0]
    assert world.other_office.get(f"{decisions_path(world)}/{rejected['id']}").json() == rejected
    assert world.office.get(f"{decisions_path(world)}/{rejected['id']}").status_code == 404
    assert world.assessor.get(decisions_path(world)).status_code == 403
    assert world.integration.get(decisions_path(world)).status_code == 403


def test_decisions_page_in_the_order_they_were_recorded(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    decide(world, approve(bids["funded"]))
    decide(world, reject(bids["rejected"]))

    page = world.chair.get(f"{decisions_path(world)}?limit=1&offset=1").json()

    assert page["total"] == 2 and page["limit"] == 1
    assert [d["title"] for d in page["items"]] == ["Rejected"]


DECISION_COLUMNS = [
    ("bid_id", lambda d: d["bid_id"]),
    ("title", lambda d: d["title"]),
    ("outcome", lambda d: d["outcome"]),
    ("rationale", lambda d: d["rationale"]),
    ("conditions", lambda d: "; ".join(d["conditions"]) or None),
    ("bid_version", lambda d: d["bid_version"]),
    ("bcr", lambda d: d["appraisal"]["bcr"]),
    ("npsv", lambda d: d["appraisal"]["npsv"]),
    ("pv_costs", lambda d: d["appraisal"]["pv_costs"]),
    ("rank", lambda d: d["ranking"]["rank"]),
    ("decided_at", lambda d: d["decided_at"]),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_decisions_export_reads_back_as_their_json(
    world: World, bids: dict[str, dict[str, Any]], fmt: str
) -> None:
    decide(world, *all_three(bids))
    listed = world.chair.get(decisions_path(world)).json()["items"]

    response = world.chair.get(f"{decisions_path(world)}?format={fmt}")

    assert response.status_code == 200
    assert response.headers["x-total-count"] == "3"
    rows = csv_rows(response.content) if fmt == "csv" else xlsx_rows(response.content)
    assert [list(row) for row in rows[:1]] == [[name for name, _ in DECISION_COLUMNS]]
    assert len(rows) == 3
    for row, decision in zip(rows, listed, strict=True):
        for name, field in DECISION_COLUMNS:
            expected = field(decision)
            assert row[name] == (as_csv(expected) if fmt == "csv" else as_xlsx(expected)), name
    assert rows[1]["conditions"] == "Quarterly reports; A named clinical lead"
