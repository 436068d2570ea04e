"""Conflicts of interest: a declaring assessor no longer sees the bids they touch (and nobody
else loses sight of them); scores it gave before are withdrawn, kept and marked."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session

from app.services.panel_scores import panel_scores
from app.tables import Assessment, Round
from bpv.scoring import AssessorScores, CriterionScore
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body, nurse_costs


def submitted_with(world: World, **fields: Any) -> dict[str, Any]:
    """A submitted bid of the world's office with extra fields (lead, partners)."""
    bid = world.draft_bid(cost_lines=[nurse_costs()], **fields)
    url = f"/v1/bids/{bid['id']}"
    assert world.office.put(
        f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    ).is_success
    world.office.created(f"{url}/hypotheses", hypothesis_body())
    submitted = world.office.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.text
    result: dict[str, Any] = submitted.json()
    return result


def organisation(world: World, code: str, footprint: dict[str, Any]) -> dict[str, Any]:
    return world.admin.created(
        "/v1/organisations",
        {
            "code": code,
            "name": f"Trust {code}",
            "kind": "trust",
            "footprint_ids": [footprint["id"]],
        },
    )


def declare(caller: Caller, world: World, **body: Any) -> dict[str, Any]:
    return caller.created(
        f"/v1/rounds/{world.round['id']}/conflicts", {"reason": "I sit on its board", **body}
    )


def visible(caller: Caller, bid: dict[str, Any]) -> bool:
    found = caller.get(f"/v1/bids/{bid['id']}").status_code == 200
    listed = bid["id"] in {b["id"] for b in caller.get("/v1/bids").json()["items"]}
    assert found == listed
    return found


SCORES = [{"criterion": "strategic_fit", "score": 4}, {"criterion": "deliverability", "score": 3}]


def score(caller: Caller, world: World, bid: dict[str, Any]) -> dict[str, Any]:
    return caller.created(
        f"/v1/rounds/{world.round['id']}/assessments", {"bid_id": bid["id"], "scores": SCORES}
    )


def test_a_declared_footprint_hides_its_bids_from_that_assessor_only(world: World) -> None:
    bid = world.submitted_bid()
    other_assessor = world.key("assessor", round_id=world.round["id"])

    declare(world.assessor, world, footprint_id=world.footprint["id"])

    assert not visible(world.assessor, bid)
    assert world.assessor.get(f"/v1/bids/{bid['id']}").json()["type"].endswith("not-found")
    assert visible(other_assessor, bid)
    assert visible(world.chair, bid)


def test_a_declared_partner_organisation_hides_the_bid_in_any_footprint(
    world: World, engine: Engine
) -> None:
    partner = organisation(world, "RHQ", world.other_footprint)
    with_partner = submitted_with(world, partner_ids=[partner["id"]])
    without = world.submitted_bid()

    declare(world.assessor, world, organisation_id=partner["id"])

    assert not visible(world.assessor, with_partner)
    assert visible(world.assessor, without)
    assert visible(world.chair, with_partner)


def test_a_partner_of_an_earlier_version_still_hides_the_bid(world: World, engine: Engine) -> None:
    partner = organisation(world, "RHQ", world.other_footprint)
    bid = submitted_with(world, partner_ids=[partner["id"]])
    url = f"/v1/bids/{bid['id']}"
    assert world.office.post(f"{url}/revise").status_code == 200
    assert world.office.patch(url, json={"partner_ids": []}, headers={"If-Match": "*"}).is_success
    assert world.office.post(f"{url}/submit").status_code == 200

    declare(world.assessor, world, organisation_id=partner["id"])

    assert not visible(world.assessor, bid)


def test_a_declared_lead_organisation_hides_the_bid(world: World) -> None:
    lead = organisation(world, "RFR", world.footprint)
    led = submitted_with(world, lead_organisation_id=lead["id"])
    other = world.submitted_bid()

    declare(world.assessor, world, organisation_id=lead["id"])

    assert not visible(world.assessor, led)
    assert visible(world.assessor, other)


def test_a_conflict_declared_after_scoring_withdraws_the_scores_and_keeps_them(
    world: World, engine: Engine
) -> None:
    bid = world.submitted_bid()
    world.move_round("closed")
    other_assessor = world.key("assessor", round_id=world.round["id"])
    scored = score(world.assessor, world, bid)
    score(other_assessor, world, bid)

    declare(world.assessor, world, footprint_id=world.footprint["id"], reason="Former employee")

    today = dt.datetime.now(dt.UTC).date().isoformat()
    url = f"/v1/rounds/{world.round['id']}/assessments"
    own = world.assessor.get(url).json()["items"]
    assert [(a["id"], a["withdrawn"]) for a in own] == [(scored["id"], True)]
    assert own[0]["withdrawn_reason"] == f"conflict of interest declared {today}: Former employee"
    assert own[0]["scores"] == scored["scores"]
    by_chair = {a["id"]: a for a in world.chair.get(url).json()["items"]}
    assert by_chair[scored["id"]]["withdrawn"] is True
    assert [a["withdrawn"] for a in by_chair.values()].count(False) == 1

    again = world.assessor.post(url, json={"bid_id": bid["id"], "scores": SCORES})
    assert again.status_code == 422
    assert [e["field"] for e in again.json()["errors"]] == ["bid_id"]
    with Session(engine) as session:
        assert session.scalar(select(Assessment).where(Assessment.id == uuid.UUID(scored["id"])))


def test_panel_scores_count_the_current_assessments_a_conflict_has_not_withdrawn(
    world: World, engine: Engine
) -> None:
    bid = world.submitted_bid()
    unscored = world.submitted_bid()
    draft = world.draft_bid()
    world.move_round("closed")
    second = world.key("assessor", round_id=world.round["id"])
    third = world.key("assessor", round_id=world.round["id"])
    first_id = score(world.assessor, world, bid)["account_id"]
    second_id = score(second, world, bid)["account_id"]
    rescored = {"bid_id": bid["id"], "scores": [{**s, "score": 5} for s in SCORES]}
    third_id = third.created(f"/v1/rounds/{world.round['id']}/assessments", rescored)["account_id"]
    third.created(f"/v1/rounds/{world.round['id']}/assessments", rescored)  # a re-score
    declare(second, world, footprint_id=world.footprint["id"])
    declare(world.assessor, world, footprint_id=world.other_footprint["id"])  # not this bid's

    with Session(engine) as session:
        round_ = session.get(Round, uuid.UUID(world.round["id"]))
        assert round_ is not None
        scores = panel_scores(session, round_)

    assert set(scores) == {uuid.UUID(bid["id"]), uuid.UUID(unscored["id"])}
    assert uuid.UUID(draft["id"]) not in scores
    of_bid = scores[uuid.UUID(bid["id"])]
    assert of_bid.counted == (
        AssessorScores(
            first_id, (CriterionScore("strategic_fit", 4), CriterionScore("deliverability", 3))
        ),
        AssessorScores(
            third_id, (CriterionScore("strategic_fit", 5), CriterionScore("deliverability", 5))
        ),
    )
    assert [w.assessor for w in of_bid.withdrawn] == [second_id]
    assert of_bid.moderated_score is None
    assert scores[uuid.UUID(unscored["id"])].counted == ()


def test_a_conflict_names_exactly_one_footprint_or_organisation(world: World) -> None:
    url = f"/v1/rounds/{world.round['id']}/conflicts"
    org = organisation(world, "RHQ", world.footprint)
    cases = [
        ({"reason": "Board member"}, "footprint_id"),
        (
            {"reason": "Both", "footprint_id": world.footprint["id"], "organisation_id": org["id"]},
            "organisation_id",
        ),
        ({"reason": "Unknown", "footprint_id": str(uuid.uuid4())}, "footprint_id"),
        ({"reason": "Unknown", "organisation_id": str(uuid.uuid4())}, "organisation_id"),
        ({"reason": "   ", "footprint_id": world.footprint["id"]}, "reason"),
        ({"reason": "x", "footprint_id": world.footprint["id"], "account_id": "me"}, "account_id"),
    ]

    for body, field in cases:
        response = world.assessor.post(url, json=body)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field], body

    assert world.assessor.get(url, params={"total": "true"}).json()["total"] == 0


def test_the_chair_sees_every_declaration_and_an_assessor_its_own(world: World) -> None:
    other_assessor = world.key("assessor", round_id=world.round["id"])
    mine = declare(world.assessor, world, footprint_id=world.footprint["id"])
    theirs = declare(other_assessor, world, footprint_id=world.other_footprint["id"])
    url = f"/v1/rounds/{world.round['id']}/conflicts"

    assert [c["id"] for c in world.assessor.get(url).json()["items"]] == [mine["id"]]
    for caller in (world.chair, world.admin):
        listed = caller.get(url, params={"total": "true"}).json()
        assert listed["total"] == 2
        assert [(c["id"], c["account_id"], c["account_name"]) for c in listed["items"]] == [
            (mine["id"], mine["account_id"], "test assessor"),
            (theirs["id"], theirs["account_id"], "test assessor"),
        ]
    assert mine["account_id"] != theirs["account_id"]
    for caller in (world.office, world.integration):
        assert caller.get(url).status_code == 403


@pytest.mark.parametrize("role", ["chair", "admin", "office"])
def test_only_an_assessor_declares(world: World, role: str) -> None:
    caller: Caller = getattr(world, role)
    body = {"reason": "Board member", "footprint_id": world.footprint["id"]}

    response = caller.post(f"/v1/rounds/{world.round['id']}/conflicts", json=body)

    assert response.status_code == 403
    assert response.json()["type"].endswith("forbidden")


def test_a_round_outside_the_callers_scope_takes_no_declaration(world: World) -> None:
    draft = world.admin.created("/v1/rounds", {"name": "Next", "programme_areas": ["cancer"]})
    body = {"reason": "Board member", "footprint_id": world.footprint["id"]}

    assert world.office.post(f"/v1/rounds/{draft['id']}/conflicts", json=body).status_code == 404
    on_other = world.assessor.post(f"/v1/rounds/{world.other_round['id']}/conflicts", json=body)
    assert on_other.status_code == 404


def test_a_decided_or_draft_round_takes_no_declaration(world: World, engine: Engine) -> None:
    body = {"reason": "Board member", "footprint_id": world.footprint["id"]}
    draft = world.admin.created("/v1/rounds", {"name": "Next", "programme_areas": ["cancer"]})
    on_draft = world.key("assessor", round_id=draft["id"])
    refused = on_draft.post(f"/v1/rounds/{draft['id']}/conflicts", json=body)
    assert refused.status_code == 409

    world.move_round("closed")
    # Deciding needs decisions, which another part records: the status is set directly.
    with Session(engine) as session, session.begin():
        session.execute(
            update(Round).where(Round.id == uuid.UUID(world.round["id"])).values(status="decided")
        )
    decided = world.assessor.post(f"/v1/rounds/{world.round['id']}/conflicts", json=body)
    assert decided.status_code == 409
    assert "decided" in decided.json()["detail"]


def test_a_retried_declaration_is_stored_once(world: World) -> None:
    url = f"/v1/rounds/{world.round['id']}/conflicts"
    body = {"reason": "Board member", "footprint_id": world.footprint["id"]}
    headers = {"Idempotency-Key": "declare-1"}

    first = world.assessor.post(url, json=body, headers=headers)
    second = world.assessor.post(url, json=body, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert world.assessor.get(url, params={"total": "true"}).json()["total"] == 1


def test_panel_scores_take_as_many_queries_for_many_bids_as_for_one(
    world: World, engine: Engine
) -> None:
    bids = [world.submitted_bid() for _ in range(4)]
    world.move_round("closed")
    second = world.key("assessor", round_id=world.round["id"])

    def queries() -> int:
        with Session(engine) as session:
            round_ = session.get(Round, uuid.UUID(world.round["id"]))
            assert round_ is not None
            statements: list[str] = []

            def count(*args: Any) -> None:
                statements.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            try:
                panel_scores(session, round_)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(statements)

    score(world.assessor, world, bids[0])
    one = queries()
    for bid in bids:
        score(second, world, bid)
    for bid in bids[1:]:
        score(world.assessor, world, bid)
        world.chair.created(
            f"/v1/rounds/{world.round['id']}/moderations",
            {"bid_id": bid["id"], "weighted_score": 3, "reason": "Agreed"},
        )
    declare(second, world, footprint_id=world.footprint["id"])

    assert queries() == one
