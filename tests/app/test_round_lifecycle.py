"""A round's lifecycle: its framework and settings frozen as versions when it opens, one base
year for all its bids, bids moved to assessment when it closes, and read-only once decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.tables import CriteriaFramework, RoundSettingsVersion
from bpv.appraisal import financial_year
from tests.app.conftest import Caller, World

AREAS = ["diabetes"]
NEED = [
    {"key": "need", "name": "Need", "weight": 1, "scale": {"min": 0, "max": 5}},
]


def patch(admin: Caller, round_: dict[str, Any], body: dict[str, Any]) -> Any:
    return admin.patch(f"/v1/rounds/{round_['id']}", json=body, headers={"If-Match": "*"})


def test_an_open_round_refuses_new_criteria_or_settings_and_keeps_its_versions(
    world: World,
) -> None:
    before = world.admin.get(f"/v1/rounds/{world.round['id']}").json()

    criteria = patch(world.admin, world.round, {"criteria": NEED})
    settings = patch(world.admin, world.round, {"settings": {"base_year": 2019}})

    assert criteria.status_code == settings.status_code == 409
    assert criteria.json()["errors"][0]["field"] == "criteria"
    assert settings.json()["errors"][0]["field"] == "settings"
    after = world.admin.get(f"/v1/rounds/{world.round['id']}").json()
    assert after == before


def test_an_open_round_accepts_its_own_settings_unchanged_and_a_new_envelope(
    world: World,
) -> None:
    current = world.admin.get(f"/v1/rounds/{world.round['id']}").json()

    same = patch(
        world.admin,
        world.round,
        {"settings": current["settings"], "envelope": {"total": 2_000_000}},
    )

    assert same.status_code == 200, same.text
    assert same.json()["settings_version"] == current["settings_version"]
    assert same.json()["envelope"]["total"] == 2_000_000


def test_every_change_of_a_draft_is_a_new_immutable_version(admin: Caller, engine: Engine) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2018/19", "programme_areas": AREAS})

    patch(admin, round_, {"criteria": NEED})
    changed = patch(admin, round_, {"settings": {"base_year": 2018}}).json()

    assert (changed["criteria_version"], changed["settings_version"]) == (2, 2)
    with Session(engine) as session:
        frameworks = session.scalars(
            select(CriteriaFramework).order_by(CriteriaFramework.version)
        ).all()
        settings = session.scalars(
            select(RoundSettingsVersion).order_by(RoundSettingsVersion.version)
        ).all()
    # The first versions are still there, as they were.
    assert [len(f.criteria) for f in frameworks] == [5, 1]
    assert [s.settings["base_year"] for s in settings] == [None, 2018]


def test_opening_a_round_without_a_base_year_fixes_it_to_the_financial_year_it_opens_in(
    admin: Caller,
) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2018/19", "programme_areas": AREAS})

    opened = patch(admin, round_, {"status": "open"}).json()

    assert opened["settings"]["base_year"] == financial_year(dt.datetime.now(dt.UTC).date())
    assert opened["settings_version"] == 2
    assert opened["opened_at"] is not None


def test_opening_a_round_with_a_base_year_keeps_its_settings_version(admin: Caller) -> None:
    round_ = admin.created(
        "/v1/rounds",
        {"name": "2018/19", "programme_areas": AREAS, "settings": {"base_year": 2018}},
    )

    opened = patch(admin, round_, {"status": "open"}).json()

    assert (opened["settings"]["base_year"], opened["settings_version"]) == (2018, 1)


def test_every_bid_of_a_round_is_appraised_on_the_rounds_base_year(world: World) -> None:
    bid = world.submitted_bid()

    appraisal = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    assert (appraisal["settings"]["base_year"], appraisal["base_year_source"]) == (2017, "round")


def test_closing_a_round_moves_its_submitted_bids_to_assessment(world: World) -> None:
    submitted = world.submitted_bid()
    draft = world.draft_bid()

    world.move_round("closed")

    assert world.office.get(f"/v1/bids/{submitted['id']}").json()["status"] == "under_assessment"
    assert world.office.get(f"/v1/bids/{draft['id']}").json()["status"] == "draft"


def test_a_closed_round_takes_no_submission_and_no_revision(world: World) -> None:
    submitted = world.submitted_bid()
    draft = world.draft_bid()
    world.move_round("closed")

    assert world.office.post(f"/v1/bids/{draft['id']}/submit").status_code == 409
    assert world.office.post(f"/v1/bids/{submitted['id']}/revise").status_code == 409


def test_a_round_cannot_be_decided_while_a_bid_under_assessment_has_no_decision(
    world: World,
) -> None:
    bid = world.submitted_bid()
    world.move_round("closed")

    response = patch(world.admin, world.round, {"status": "decided"})

    assert response.status_code == 409
    assert response.json()["undecided_bids"] == [bid["id"]]
    assert world.admin.get(f"/v1/rounds/{world.round['id']}").json()["status"] == "closed"


def test_a_decided_round_is_read_only(world: World) -> None:
    world.move_round("closed")
    world.move_round("decided")  # no bids were submitted, so none awaits a decision

    for body in ({"name": "Renamed"}, {"envelope": {"total": 1}}, {"status": "decided"}):
        assert patch(world.admin, world.round, body).status_code == 409
    assert world.admin.get(f"/v1/rounds/{world.round['id']}").json()["name"] == world.round["name"]
