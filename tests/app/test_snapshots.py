"""A bid version's appraisal is stored when it is submitted: what the panel, the ranking and the
decision read is the figure that was seen, not a recomputation."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.services import appraisals
from app.tables import AppraisalSnapshot, BidVersion
from tests.app.conftest import World, good_logic_model, hypothesis_body, nurse_costs


def snapshot_of(engine: Engine, bid_id: str) -> AppraisalSnapshot:
    with Session(engine) as session:
        stmt = (
            select(AppraisalSnapshot)
            .join(BidVersion, BidVersion.id == AppraisalSnapshot.bid_version_id)
            .where(BidVersion.bid_id == uuid.UUID(bid_id))
        )
        return session.scalars(stmt).one()


def test_submission_stores_the_appraisal_with_its_versions(world: World, engine: Engine) -> None:
    bid = world.submitted_bid()

    shown = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()
    snapshot = snapshot_of(engine, bid["id"])

    assert shown["snapshot_at"] is not None
    figures = shown["appraisal"]
    assert (snapshot.pv_costs, snapshot.npsv, snapshot.bcr) == (
        figures["pv_costs"],
        figures["npsv"],
        figures["bcr"],
    )
    assert snapshot.cash_releasing_roi == figures["roi"]
    assert (snapshot.criteria_version, snapshot.settings_version) == (1, 1)
    assert snapshot.method_version == shown["method_version"]
    assert snapshot.base_year == 2017
    # The world's bid asks for no funding of its own, so it is taken as its costs as given.
    assert snapshot.requested_funding == 240_000
    computed = {c["criterion"]: c["fraction"] for c in snapshot.computed}
    assert computed["confidence"] == pytest.approx(0.7)


def test_a_submitted_version_answers_with_its_snapshot_even_when_the_method_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = world.submitted_bid()
    before = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    def changed_method(*args: object, **kwargs: object) -> None:
        raise AssertionError("a submitted version is not appraised again")

    monkeypatch.setattr(appraisals, "appraise_bid", changed_method)
    after = world.office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert after.status_code == 200
    assert after.json() == before


def test_a_draft_is_appraised_afresh_and_a_request_for_its_own_run_too(world: World) -> None:
    draft = world.draft_bid()
    submitted = world.submitted_bid()

    assert world.office.get(f"/v1/bids/{draft['id']}/appraisal").json()["snapshot_at"] is None
    own_run = world.office.get(f"/v1/bids/{submitted['id']}/appraisal?monte_carlo=true&samples=50")
    assert own_run.json()["snapshot_at"] is None
    assert own_run.json()["appraisal"]["monte_carlo"] is not None


def test_a_revision_keeps_the_snapshot_of_the_version_it_revises(
    world: World, engine: Engine
) -> None:
    bid = world.submitted_bid()
    first = snapshot_of(engine, bid["id"])

    assert world.office.post(f"/v1/bids/{bid['id']}/revise").status_code == 200
    assert world.office.post(f"/v1/bids/{bid['id']}/submit").status_code == 200

    with Session(engine) as session:
        rows = session.scalars(
            select(AppraisalSnapshot, BidVersion.number)
            .join(BidVersion, BidVersion.id == AppraisalSnapshot.bid_version_id)
            .where(BidVersion.bid_id == uuid.UUID(bid["id"]))
        ).all()
    assert len(rows) == 2
    assert first.id in {row.id for row in rows}


def test_a_snapshot_keeps_the_bids_discounted_qalys(world: World, engine: Engine) -> None:
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    put = world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert put.status_code == 200, put.text
    monetisation = {"value_per_unit": 0.01, "benefit_type": "qaly"}
    world.office.created(
        f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body(monetisation=monetisation)
    )
    assert world.office.post(f"/v1/bids/{bid['id']}/submit").status_code == 200

    snapshot = snapshot_of(engine, bid["id"])

    assert snapshot.qalys is not None and snapshot.qalys > 0
    assert snapshot.qalys == snapshot.document["appraisal"]["discounted_qalys"]
