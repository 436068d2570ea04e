"""Reference-class calibration: funded bids that delivered half what they predicted and spent
a fifth more than planned give those factors back, and a round that applies them reports the
adjusted figures beside (never instead of) the unadjusted appraisal."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tests.app.conftest import World, good_logic_model, hypothesis_body, nurse_costs
from tests.app.funded import funded_bids, months, on_trajectory, store_now

YEAR = months(dt.date(2017, 4, 1), 12)


@pytest.fixture
def history(world: World, engine: Engine) -> list[str]:
    """Three funded diabetes bids: half the predicted improvement, 1.2 x the planned spend
    of 2017 (the only year reported)."""
    bids = funded_bids(world, ["approved", "approved", "approved_with_conditions"])
    for bid in bids:
        (line,) = world.office.get(f"/v1/bids/{bid}").json()["cost_lines"]
        store_now(engine, bid, on_trajectory(YEAR, share=0.5), spend=[(line["id"], 2017, 144_000)])
    return bids


def factor(body: dict, dimension: str, measure: str) -> dict:
    factors = body["factors"]
    (found,) = [f for f in factors if f["dimension"] == dimension and f["measure"] == measure]
    return found


def test_calibration_recovers_the_optimism_of_past_bids(world: World, history: list[str]) -> None:
    answer = world.chair.get("/v1/calibration", params={"dimension": "programme_area"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["funded_bids"] == 3
    benefits = factor(body, "programme_area", "benefits")
    assert benefits["group"] == "diabetes"
    assert benefits["ratio"] == pytest.approx(0.5, rel=1e-6)
    assert benefits["low"] <= benefits["ratio"] <= benefits["high"]
    assert benefits["bids"] == 3 and benefits["method"]
    assert factor(body, "programme_area", "spend")["ratio"] == pytest.approx(1.2, rel=1e-6)
    assert {f["dimension"] for f in body["factors"]} == {"programme_area"}


def test_a_class_needs_enough_bids_and_periods(world: World, history: list[str]) -> None:
    too_few_bids = world.admin.get("/v1/calibration", params={"min_bids": 4}).json()
    too_few_periods = world.admin.get("/v1/calibration", params={"min_periods": 13}).json()
    every_class = world.admin.get("/v1/calibration").json()

    assert too_few_bids["factors"] == too_few_periods["factors"] == []
    assert factor(every_class, "portfolio", "benefits")["bids"] == 3


def test_who_may_read_calibration(world: World, history: list[str]) -> None:
    assert world.office.get("/v1/calibration").status_code == 200
    assert world.assessor.get("/v1/calibration").status_code == 200
    assert world.integration.get("/v1/calibration").status_code == 403


def test_a_round_that_applies_calibration_reports_it_beside_the_unadjusted_figures(
    world: World, history: list[str]
) -> None:
    world.reconfigure({"settings": {"calibration": {"apply": True}}})
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    put = world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert put.status_code == 200
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    draft = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()
    assert world.office.post(f"/v1/bids/{bid['id']}/submit").status_code == 200
    snapshot = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    unadjusted, calibrated = draft["appraisal"], draft["calibrated"]
    assert calibrated["benefit_factor"] == pytest.approx(0.5, rel=1e-6)
    assert calibrated["cost_factor"] == pytest.approx(1.2, rel=1e-6)
    assert "programme_area diabetes" in calibrated["source"]
    assert calibrated["pv_benefits"] == pytest.approx(unadjusted["pv_benefits"] * 0.5, rel=1e-6)
    assert calibrated["pv_costs"] == pytest.approx(unadjusted["pv_costs"] * 1.2, rel=1e-6)
    assert calibrated["npsv"] == pytest.approx(calibrated["pv_benefits"] - calibrated["pv_costs"])
    assert calibrated["bcr"] == pytest.approx(calibrated["pv_benefits"] / calibrated["pv_costs"])
    assert snapshot["snapshot_at"] is not None
    assert snapshot["calibrated"] == calibrated
    assert snapshot["appraisal"]["npsv"] == pytest.approx(unadjusted["npsv"])


def test_a_round_without_calibration_reports_none(world: World, history: list[str]) -> None:
    world.reconfigure({})
    bid = world.draft_bid(cost_lines=[nurse_costs()])

    assert world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()["calibrated"] is None
