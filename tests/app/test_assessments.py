"""Assessors score the bids of a closed round on its assessor criteria; a re-score keeps the
history; who sees which scores."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.tables import Assessment, Bid, Round
from tests.app.conftest import Caller, World


def scores(strategic_fit: float = 4, deliverability: float = 3) -> list[dict[str, Any]]:
    return [
        {"criterion": "strategic_fit", "score": strategic_fit, "comment": "Clear local need"},
        {"criterion": "deliverability", "score": deliverability},
    ]


def url(world: World) -> str:
    return f"/v1/rounds/{world.round['id']}/assessments"


def closed_with_bid(world: World) -> dict[str, Any]:
    bid = world.submitted_bid()
    world.move_round("closed")
    return bid


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Assessment)) or 0)


def decide_directly(engine: Engine, world: World) -> None:
    """Deciding needs decisions, which another part records: statuses are set directly."""
    round_id = uuid.UUID(world.round["id"])
    with Session(engine) as session, session.begin():
        session.execute(update(Round).where(Round.id == round_id).values(status="decided"))
        session.execute(
            update(Bid)
            .where(Bid.round_id == round_id, Bid.status == "under_assessment")
            .values(status="approved")
        )


def test_an_assessor_scores_a_bid_under_assessment(world: World) -> None:
    bid = closed_with_bid(world)

    created = world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores()})

    assert created["bid_id"] == bid["id"]
    assert created["round_id"] == world.round["id"]
    assert created["bid_version"] == 1
    assert created["criteria_version"] == world.round["criteria_version"]
    assert created["scores"] == [
        {"criterion": "strategic_fit", "score": 4, "comment": "Clear local need"},
        {"criterion": "deliverability", "score": 3, "comment": None},
    ]
    assert created["account_name"] == "test assessor"
    assert (created["withdrawn"], created["withdrawn_reason"], created["superseded_at"]) == (
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("score_list", "field"),
    [
        (scores(strategic_fit=6), "scores[0].score"),
        (scores(deliverability=-0.5), "scores[1].score"),
        ([*scores(), {"criterion": "ambition", "score": 3}], "scores[2].criterion"),
        ([*scores(), {"criterion": "logic_model_quality", "score": 3}], "scores[2].criterion"),
        ([*scores(), {"criterion": "strategic_fit", "score": 3}], "scores[2].criterion"),
        (scores()[:1], "scores"),
        ([], "scores"),
        ([{"criterion": "strategic_fit", "score": "4"}], "scores[0].score"),
    ],
)
def test_scores_off_the_framework_are_refused_naming_the_field(
    world: World, engine: Engine, score_list: list[dict[str, Any]], field: str
) -> None:
    bid = closed_with_bid(world)

    response = world.assessor.post(url(world), json={"bid_id": bid["id"], "scores": score_list})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert stored(engine) == 0


def test_a_bid_not_under_assessment_in_this_round_is_refused_naming_bid_id(
    world: World, engine: Engine
) -> None:
    other_round_bid = world.draft_bid(round_id=world.other_round["id"])
    draft = world.draft_bid()
    world.move_round("closed")
    unknown = str(uuid.uuid4())

    answers = {}
    for bid_id in (other_round_bid["id"], draft["id"], unknown):
        response = world.assessor.post(url(world), json={"bid_id": bid_id, "scores": scores()})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["bid_id"]
        answers[bid_id] = response.json()["detail"].replace(bid_id, "<id>")
    # What the assessor may not see is refused exactly as what does not exist.
    assert answers[unknown] == answers[other_round_bid["id"]] == answers[draft["id"]]
    assert stored(engine) == 0


def test_a_withdrawn_bid_is_not_under_assessment(world: World) -> None:
    bid = closed_with_bid(world)
    assert world.office.post(f"/v1/bids/{bid['id']}/withdraw").status_code == 200

    response = world.assessor.post(url(world), json={"bid_id": bid["id"], "scores": scores()})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bid_id"


def test_bids_are_scored_only_while_the_round_is_closed(world: World, engine: Engine) -> None:
    bid = world.submitted_bid()
    body = {"bid_id": bid["id"], "scores": scores()}

    while_open = world.assessor.post(url(world), json=body)
    assert while_open.status_code == 409
    assert while_open.json()["detail"] == (
        "Bids are scored while the round is closed; this round is open."
    )

    world.move_round("closed")
    decide_directly(engine, world)
    assert world.assessor.post(url(world), json=body).status_code == 409
    assert stored(engine) == 0


@pytest.mark.parametrize("role", ["chair", "admin", "office", "integration"])
def test_only_an_assessor_scores(world: World, role: str) -> None:
    bid = closed_with_bid(world)
    caller: Caller = getattr(world, role)

    response = caller.post(url(world), json={"bid_id": bid["id"], "scores": scores()})

    assert response.status_code == 403


def test_a_rescore_supersedes_the_assessors_own_scores_and_keeps_the_history(
    world: World,
) -> None:
    bid = closed_with_bid(world)
    other = world.key("assessor", round_id=world.round["id"])
    first = world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores(2, 2)})
    theirs = other.created(url(world), {"bid_id": bid["id"], "scores": scores(1, 1)})

    second = world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores(5, 4)})

    current = world.chair.get(url(world)).json()
    assert {a["id"] for a in current["items"]} == {theirs["id"], second["id"]}
    history = world.assessor.get(url(world), params={"include_history": "true"}).json()
    assert [(a["id"], a["superseded_at"] is None) for a in history["items"]] == [
        (first["id"], False),
        (second["id"], True),
    ]
    assert [s["score"] for s in history["items"][0]["scores"]] == [2, 2]
    assert history["items"][0]["superseded_at"] == second["created_at"]


def test_concurrent_rescores_leave_one_current_assessment(world: World, engine: Engine) -> None:
    bid = closed_with_bid(world)
    writers = 6
    start = Barrier(writers)

    def post(n: int) -> int:
        start.wait()
        body = {"bid_id": bid["id"], "scores": scores(n % 6, 3)}
        return world.assessor.post(url(world), json=body).status_code

    with ThreadPoolExecutor(writers) as pool:
        statuses = list(pool.map(post, range(writers)))

    assert statuses == [201] * writers
    listed = world.assessor.get(
        url(world), params={"include_history": "true", "total": "true"}
    ).json()
    assert listed["total"] == writers
    assert [a["superseded_at"] for a in listed["items"]].count(None) == 1


def test_each_caller_sees_the_assessments_its_role_may(world: World, engine: Engine) -> None:
    bid = closed_with_bid(world)
    other = world.key("assessor", round_id=world.round["id"])
    mine = world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores()})
    theirs = other.created(url(world), {"bid_id": bid["id"], "scores": scores(1, 2)})

    own = world.assessor.get(url(world)).json()
    assert [a["id"] for a in own["items"]] == [mine["id"]]
    for caller in (world.chair, world.admin):
        listed = caller.get(url(world), params={"bid_id": bid["id"]}).json()["items"]
        assert [(a["id"], a["account_id"]) for a in listed] == [
            (mine["id"], mine["account_id"]),
            (theirs["id"], theirs["account_id"]),
        ]
    before = world.office.get(url(world))
    assert before.status_code == 403
    assert "once the round is decided" in before.json()["detail"]
    assert world.integration.get(url(world)).status_code == 403


def test_a_programme_office_sees_its_own_bids_scores_once_decided_without_names(
    world: World, engine: Engine
) -> None:
    own_bid = world.submitted_bid()
    other_bid = world.submitted_bid(world.other_office)
    world.move_round("closed")
    for bid in (own_bid, other_bid):
        world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores()})
    decide_directly(engine, world)

    listed = world.office.get(url(world)).json()

    assert [a["bid_id"] for a in listed["items"]] == [own_bid["id"]]
    seen = listed["items"][0]
    assert (seen["account_id"], seen["account_name"]) == (None, None)
    assert [s["score"] for s in seen["scores"]] == [4, 3]
    assert world.other_office.get(url(world), params={"total": "true"}).json()["total"] == 1


def test_a_withdrawn_score_shows_a_programme_office_no_reason_that_names_the_assessor(
    world: World, engine: Engine
) -> None:
    bid = closed_with_bid(world)
    world.assessor.created(url(world), {"bid_id": bid["id"], "scores": scores()})
    world.assessor.created(
        f"/v1/rounds/{world.round['id']}/conflicts",
        {"footprint_id": world.footprint["id"], "reason": "My sister runs its CCG"},
    )
    decide_directly(engine, world)

    seen = world.office.get(url(world)).json()["items"][0]

    assert seen["withdrawn"] is True
    assert seen["withdrawn_reason"].startswith("conflict of interest declared ")
    assert "sister" not in seen["withdrawn_reason"]


def test_a_retried_assessment_is_stored_once(world: World, engine: Engine) -> None:
    bid = closed_with_bid(world)
    body = {"bid_id": bid["id"], "scores": scores()}
    headers = {"Idempotency-Key": "score-1"}

    first = world.assessor.post(url(world), json=body, headers=headers)
    second = world.assessor.post(url(world), json=body, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert stored(engine) == 1
