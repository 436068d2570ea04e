"""The demo data set: realistic and valid; reloading keeps its rows and only rotates its keys."""

from __future__ import annotations

import tomllib
import uuid
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import app
from app.auth import Principal
from app.demo import demo_bids, demo_measurements, demo_panel, demo_places, load_demo
from app.repositories.keys import ApiKeys
from app.repositories.pages import Window
from app.schemas.keys import Role
from app.services.bids import BidService
from app.tables import ApiKey, Base, Footprint, Organisation, OutboxEvent, Round
from bpv.lifecycle import BidStatus
from bpv.logic_model import Severity
from tests.app.conftest import Caller
from tests.conftest import SECRET

DECIDED = {BidStatus.APPROVED, BidStatus.APPROVED_WITH_CONDITIONS, BidStatus.REJECTED}
PROGRAMME_AREAS = [
    "cancer",
    "diabetes",
    "learning disabilities",
    "mental health",
    "primary care",
    "urgent care",
]


def load(engine: Engine) -> dict[str, str]:
    with Session(engine) as session, session.begin():
        return dict(load_demo(session, SECRET))


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table but the keys, which each load rotates."""
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != ApiKey.__tablename__
        }


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_demo_has_overlapping_places_a_decided_round_and_an_open_one(engine: Engine) -> None:
    load(engine)

    with Session(engine) as session:
        footprints = session.scalars(select(Footprint)).all()
        organisations = session.scalars(select(Organisation)).all()
        rounds = session.scalars(select(Round).order_by(Round.created_at)).all()

        assert len(footprints) >= 3
        assert any(len(o.footprints) >= 2 for o in organisations)
        assert [r.status for r in rounds] == ["decided", "open"]
        assert sorted(rounds[0].programme_areas) == PROGRAMME_AREAS


def test_the_demo_bids_cover_every_programme_area_and_one_has_a_gap(engine: Engine) -> None:
    load(engine)

    with Session(engine) as session:
        service = BidService(session, Principal(uuid.uuid4(), Role.ADMIN))
        bids = service.bids.page(Window(100)).rows
        versions = [service.current(bid) for bid in bids]
        hypotheses = [len(service.hypotheses(bid)) for bid in bids]
        findings = [service.findings(bid)[0] for bid in bids]
        statuses = [BidStatus(bid.status) for bid in bids]

    assert len(bids) == 6
    assert sorted(v.programme_area for v in versions) == PROGRAMME_AREAS
    assert all(10 <= len(v.logic_model["nodes"]) <= 40 for v in versions)
    assert all(3 <= n <= 8 for n in hypotheses)
    gaps = [found for found in findings if any(f.code == "off_path_node" for f in found)]
    assert len(gaps) == 1
    decided = [found for found, s in zip(findings, statuses, strict=True) if s in DECIDED]
    assert len(decided) == 5
    assert set(statuses) == {*DECIDED, BidStatus.DRAFT}
    assert not any(f.severity is Severity.ERROR for found in decided for f in found)
    hypothesis_warnings = {"indicator_not_on_target", "trajectory_against_direction"}
    assert not [f.message for found in findings for f in found if f.code in hypothesis_warnings]


def test_loading_again_changes_nothing_but_the_keys(engine: Engine, client: TestClient) -> None:
    first = load(engine)
    before = row_counts(engine)

    second = load(engine)

    assert row_counts(engine) == before
    assert first.keys() == second.keys()
    assert all(name.startswith("demo ") for name in second)
    with Session(engine) as session:
        active = Counter(key.name for key in ApiKeys(session).active_named("demo "))
    assert active == Counter(second.keys())
    for name in second:
        assert client.get("/v1/footprints", headers=bearer(first[name])).status_code == 401, name
        assert client.get("/v1/footprints", headers=bearer(second[name])).status_code == 200, name


def test_each_demo_key_sees_what_its_role_and_scope_allow(
    engine: Engine, client: TestClient
) -> None:
    keys = load(engine)

    def bids(name: str) -> list[dict[str, object]]:
        response = client.get("/v1/bids", headers=bearer(keys[name]))
        assert response.status_code == 200, response.text
        items: list[dict[str, object]] = response.json()["items"]
        return items

    assert len(bids("demo admin")) == 6
    office = bids("demo programme office QF7")
    assert len(office) == 2
    assert len({bid["footprint_id"] for bid in office}) == 1
    panel = demo_panel()
    conflicted = bids(f"demo assessor {panel.assessors[panel.conflicts[0].assessor]}")
    unconflicted = bids(f"demo assessor {panel.assessors[0]}")
    assert len(unconflicted) == 5
    assert len(conflicted) == 4  # not the bid of the footprint it declared
    funded = bids("demo integration QF7")
    assert funded
    assert {bid["status"] for bid in funded} <= {"approved", "approved_with_conditions"}


def test_each_demo_bids_monte_carlo_median_sits_at_its_point_npsv(
    engine: Engine, client: TestClient
) -> None:
    keys = load(engine)
    admin = bearer(keys["demo admin"])
    bids = client.get("/v1/bids", headers=admin).json()["items"]

    medians = {}
    for bid in bids:
        response = client.get(f"/v1/bids/{bid['id']}/appraisal", headers=admin)
        assert response.status_code == 200, response.text
        appraisal = response.json()["appraisal"]
        medians[bid["title"]] = (appraisal["monte_carlo"]["npsv"]["p50"], appraisal["npsv"])

    assert len(medians) == 6
    for title, (median, point) in medians.items():
        # Within 3% of the point estimate: the demo's distributions are centred on it.
        assert median == pytest.approx(point, rel=0.03), title


def test_the_demo_files_are_request_bodies_a_programme_office_can_send(
    engine: Engine, client: TestClient
) -> None:
    keys = load(engine)
    admin = Caller(client, keys["demo admin"])
    footprint_ids = {f["code"]: f["id"] for f in admin.get("/v1/footprints").json()["items"]}
    organisations = admin.get("/v1/organisations", params={"limit": 100}).json()["items"]
    organisation_ids = {o["code"]: o["id"] for o in organisations}
    (round_,) = admin.get("/v1/rounds", params={"status": "open"}).json()["items"]
    demo = next(bid for bid in demo_bids() if bid.round == 1)
    office = Caller(client, keys[f"demo programme office {demo.footprint}"])

    body = demo.create_body(round_["id"], footprint_ids, organisation_ids)
    bid = office.created("/v1/bids", {**body, "title": "The same bid, sent over HTTP"})
    url = f"/v1/bids/{bid['id']}"
    put = office.put(f"{url}/logic-model", json=demo.logic_model_body(), headers={"If-Match": "*"})
    for hypothesis in demo.hypothesis_bodies():
        office.created(f"{url}/hypotheses", hypothesis)
    submitted = office.post(f"{url}/submit")

    assert put.status_code == 200, put.text
    assert submitted.status_code == 200, submitted.text
    loaded = next(b for b in admin.get("/v1/bids").json()["items"] if b["title"] == demo.title)
    # Each bid's lines have ids of their own; all else is the same.
    assert [{**line, "id": None} for line in bid["cost_lines"]] == [
        {**line, "id": None} for line in loaded["cost_lines"]
    ]
    sent_findings = office.get(f"{url}/logic-model/findings").json()
    loaded_findings = office.get(f"/v1/bids/{loaded['id']}/logic-model/findings").json()
    assert sent_findings == loaded_findings


def test_the_demo_files_ship_with_the_package() -> None:
    package = Path(app.__file__).parent
    pyproject = tomllib.loads((package.parent / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["app"]

    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    files = set((package / "demo").rglob("*.json"))

    assert files
    assert files <= shipped
    assert len(demo_bids()) == len(list((package / "demo" / "bids").glob("*.json"))) == 6
    assert demo_places().rounds[0].body.name == "Transformation Fund 2017/18"


def test_the_demo_round_has_been_through_the_panels_whole_job(
    engine: Engine, client: TestClient
) -> None:
    keys = load(engine)
    panel = demo_panel()
    chair = Caller(client, keys[f"demo chair {panel.chair}"])
    (round_,) = chair.get("/v1/rounds").json()["items"]
    url = f"/v1/rounds/{round_['id']}"

    assessments = chair.get(f"{url}/assessments", params={"limit": 100}).json()
    conflicts = chair.get(f"{url}/conflicts", params={"total": "true"}).json()
    moderations = chair.get(f"{url}/moderations").json()
    ranking = chair.get(f"{url}/ranking").json()
    decisions = chair.get(f"{url}/decisions").json()

    assert round_["status"] == "decided"
    assert len({a["account_id"] for a in assessments["items"]}) == 3
    assert conflicts["total"] == 1
    [moderated] = moderations["items"]
    item = next(i for i in ranking["items"] if i["bid_id"] == moderated["bid_id"])
    assert item["disagreement"] and item["moderated"]
    assert sorted(i["rank"] for i in ranking["items"]) == [1, 2, 3, 4, 5]
    assert decisions["total"] == 5
    assert {d["outcome"] for d in decisions["items"]} == {
        "approved",
        "approved_with_conditions",
        "rejected",
    }


def test_the_demo_funded_bids_have_realised_data_an_alert_and_a_calibration(
    engine: Engine, client: TestClient
) -> None:
    keys = load(engine)
    admin = Caller(client, keys["demo admin"])
    funded = [
        bid
        for bid in admin.get("/v1/bids").json()["items"]
        if bid["status"] in {"approved", "approved_with_conditions"}
    ]
    reports = {b["title"]: admin.get(f"/v1/bids/{b['id']}/benefits").json() for b in funded}
    mid_delivery = {
        b["title"]: admin.get(f"/v1/bids/{b['id']}/benefits", params={"as_of": "2019-03-31"})
        for b in funded
    }
    titles = [bid.title for bid in demo_bids()]
    stories = {batch.story: titles[batch.bid - 1] for batch in demo_measurements().batches}
    verdicts = {
        title: {h["verdict"] for h in report["hypotheses"]} for title, report in reports.items()
    }

    assert verdicts[stories["on track"]] == {"confirmed"}
    assert verdicts[stories["off track"]] == {"refuted"}
    assert {h["verdict"] for h in mid_delivery[stories["on track"]].json()["hypotheses"]} == {
        "on_track"
    }
    assert {h["verdict"] for h in mid_delivery[stories["off track"]].json()["hypotheses"]} == {
        "off_track"
    }
    late = reports[stories["late data"]]
    assert all(i["missing_periods"] == 12 for i in late["indicators"])
    with Session(engine) as session:
        kinds = Counter(session.scalars(select(OutboxEvent.event_type)))
    assert kinds["hypothesis.refuted"] >= 1
    assert kinds["measurement.missing"] == sum(i["missing_periods"] for i in late["indicators"])
    calibration = admin.get("/v1/calibration").json()
    assert {(f["dimension"], f["measure"]) for f in calibration["factors"]} >= {
        ("portfolio", "benefits"),
        ("portfolio", "spend"),
    }
    integration = Caller(client, keys["demo integration QF7"])
    seen = [b for b in funded if integration.get(f"/v1/bids/{b['id']}/benefits").is_success]
    assert [b["footprint_id"] for b in seen] == [
        b["footprint_id"] for b in funded if b["title"] == stories["on track"]
    ]
