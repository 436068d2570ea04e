"""Funded bids rolled up by footprint and by round: money, verdicts, bids off track; each in
its caller's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tests.app.conftest import World
from tests.app.funded import funded_bids, months, on_trajectory, store_now

AS_OF = {"as_of": "2018-06-30"}
YEAR = months(dt.date(2017, 4, 1), 12)


@pytest.fixture
def three_bids(world: World, engine: Engine) -> list[str]:
    good, bad, rejected = funded_bids(world, ["approved", "approved_with_conditions", "rejected"])
    store_now(engine, good, on_trajectory(YEAR))
    store_now(engine, bad, on_trajectory(YEAR, share=0.0))
    return [good, bad, rejected]


def test_a_footprint_rolls_up_its_funded_bids(world: World, three_bids: list[str]) -> None:
    good, bad, _ = three_bids
    reports = [world.office.get(f"/v1/bids/{b}/benefits", params=AS_OF).json() for b in (good, bad)]

    rollup = world.office.get(f"/v1/footprints/{world.footprint['id']}/benefits", params=AS_OF)

    assert rollup.status_code == 200, rollup.text
    body = rollup.json()
    assert body["bids"] == body["total"] == 2  # the rejected bid is not funded
    assert body["predicted_benefits"] == pytest.approx(
        sum(r["predicted_benefits"] for r in reports)
    )
    assert body["realised_benefits"] == pytest.approx(sum(r["realised_benefits"] for r in reports))
    assert sum(body["verdicts"].values()) == 2
    assert [b["bid_id"] for b in body["off_track"]] == [bad]
    assert body["off_track_total"] == 1
    assert [b["bid_id"] for b in body["items"]] == [good, bad]


def test_the_rollup_pages_its_bids_but_totals_all(world: World, three_bids: list[str]) -> None:
    _, bad, _ = three_bids

    body = world.admin.get(
        f"/v1/rounds/{world.round['id']}/benefits", params={**AS_OF, "limit": 1, "offset": 1}
    ).json()

    assert [b["bid_id"] for b in body["items"]] == [bad]
    assert body["total"] == body["bids"] == 2
    assert body["round_id"] == world.round["id"]


def test_a_round_rolls_up_for_its_panel(world: World, three_bids: list[str]) -> None:
    path = f"/v1/rounds/{world.round['id']}/benefits"

    chair = world.chair.get(path, params=AS_OF)
    assessor = world.assessor.get(path, params=AS_OF)

    assert chair.status_code == assessor.status_code == 200
    assert chair.json()["bids"] == 2
    assert chair.json()["realised_benefits"] == assessor.json()["realised_benefits"]


def test_rollups_stay_in_scope(world: World, three_bids: list[str]) -> None:
    other_assessor = world.key("assessor", round_id=world.other_round["id"])
    footprint = f"/v1/footprints/{world.footprint['id']}/benefits"
    round_path = f"/v1/rounds/{world.round['id']}/benefits"

    assert world.other_office.get(footprint).status_code == 404
    assert other_assessor.get(round_path).status_code == 404
    assert world.integration.get(footprint).status_code == 200
    # Another footprint's office sees the round, but none of its bids.
    other = world.other_office.get(round_path).json()
    assert other["bids"] == 0 and other["items"] == [] and other["predicted_benefits"] == 0
    elsewhere = f"/v1/footprints/{world.other_footprint['id']}/benefits"
    assert world.office.get(elsewhere).status_code == 404


def test_an_unknown_footprint_or_round_is_not_found(world: World) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"

    assert world.admin.get(f"/v1/footprints/{unknown}/benefits").status_code == 404
    assert world.admin.get(f"/v1/rounds/{unknown}/benefits").status_code == 404
