"""The chair moderates a bid's weighted score beside the assessors' scores, never over them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.services.panel_scores import panel_scores
from app.tables import Bid, Moderation, Round
from tests.app.conftest import Caller, World

SCORES = [{"criterion": "strategic_fit", "score": 4}, {"criterion": "deliverability", "score": 2}]


def url(world: World, what: str = "moderations") -> str:
    return f"/v1/rounds/{world.round['id']}/{what}"


def scored_bid(world: World) -> dict[str, Any]:
    """A bid under assessment in the closed round, scored by the world's assessor."""
    bid = world.submitted_bid()
    world.move_round("closed")
    world.assessor.created(url(world, "assessments"), {"bid_id": bid["id"], "scores": SCORES})
    return bid


def moderation(bid: dict[str, Any], score: float = 3.5, reason: str = "Panel discussion") -> Any:
    return {"bid_id": bid["id"], "weighted_score": score, "reason": reason}


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Moderation)) or 0)


def test_the_chair_moderates_beside_the_assessors_scores(world: World, engine: Engine) -> None:
    bid = scored_bid(world)
    assessments_before = world.chair.get(url(world, "assessments")).json()

    created = world.chair.created(url(world), moderation(bid, 3.5, "Deliverability understated"))

    assert (created["bid_id"], created["weighted_score"], created["reason"]) == (
        bid["id"],
        3.5,
        "Deliverability understated",
    )
    assert created["criteria_version"] == world.round["criteria_version"]
    assert created["account_name"] == "test chair"
    assert world.chair.get(url(world, "assessments")).json() == assessments_before
    with Session(engine) as session:
        round_ = session.get(Round, uuid.UUID(world.round["id"]))
        assert round_ is not None
        of_bid = panel_scores(session, round_)[uuid.UUID(bid["id"])]
    assert (of_bid.moderated_score, of_bid.moderation_reason) == (
        3.5,
        "Deliverability understated",
    )
    assert [[s.score for s in a.scores] for a in of_bid.counted] == [[4, 2]]


@pytest.mark.parametrize("role", ["assessor", "admin", "office", "integration"])
def test_only_the_chair_moderates(world: World, engine: Engine, role: str) -> None:
    bid = scored_bid(world)
    caller: Caller = getattr(world, role)

    assert caller.post(url(world), json=moderation(bid)).status_code == 403
    assert stored(engine) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weighted_score": 5.01}, "weighted_score"),
        ({"weighted_score": -1}, "weighted_score"),
        ({"reason": ""}, "reason"),
        ({"reason": " \t"}, "reason"),
        ({"bid_id": str(uuid.uuid4())}, "bid_id"),
        ({"score": 3}, "score"),
    ],
)
def test_a_moderation_off_the_scale_or_without_reason_is_refused(
    world: World, engine: Engine, change: dict[str, Any], field: str
) -> None:
    bid = scored_bid(world)

    response = world.chair.post(url(world), json={**moderation(bid), **change})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert stored(engine) == 0


def test_the_weighted_scale_ends_are_on_it(world: World) -> None:
    bid = scored_bid(world)

    for score in (0, 5):
        assert world.chair.post(url(world), json=moderation(bid, score)).status_code == 201


def test_a_bid_with_no_counted_assessment_cannot_be_moderated(world: World, engine: Engine) -> None:
    withdrawn = world.submitted_bid()
    unscored = world.submitted_bid(world.other_office)
    world.move_round("closed")
    world.assessor.created(url(world, "assessments"), {"bid_id": withdrawn["id"], "scores": SCORES})
    world.assessor.created(
        url(world, "conflicts"), {"footprint_id": world.footprint["id"], "reason": "Board member"}
    )

    for bid in (withdrawn, unscored):
        response = world.chair.post(url(world), json=moderation(bid))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "bid_id"
        assert "no counted assessment" in response.json()["detail"]
    assert stored(engine) == 0


def test_a_new_moderation_supersedes_the_last_which_is_kept(world: World) -> None:
    bid = scored_bid(world)
    first = world.chair.created(url(world), moderation(bid, 3.0, "First view"))

    second = world.chair.created(url(world), moderation(bid, 2.5, "After the site visit"))

    current = world.chair.get(url(world)).json()["items"]
    assert [m["id"] for m in current] == [second["id"]]
    history = world.chair.get(url(world), params={"include_history": "true"}).json()["items"]
    assert [(m["id"], m["weighted_score"], m["superseded_at"]) for m in history] == [
        (first["id"], 3.0, second["created_at"]),
        (second["id"], 2.5, None),
    ]


def test_scores_are_moderated_only_while_the_round_is_closed(world: World) -> None:
    bid = world.submitted_bid()

    response = world.chair.post(url(world), json=moderation(bid))

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_who_sees_the_moderations(world: World, engine: Engine) -> None:
    bid = scored_bid(world)
    created = world.chair.created(url(world), moderation(bid))

    for caller in (world.chair, world.admin):
        listed = caller.get(url(world)).json()["items"]
        assert [(m["id"], m["account_id"]) for m in listed] == [
            (created["id"], created["account_id"])
        ]
    for caller in (world.assessor, world.integration, world.office):
        assert caller.get(url(world)).status_code == 403

    # Deciding needs decisions, which another part records: statuses are set directly.
    round_id = uuid.UUID(world.round["id"])
    with Session(engine) as session, session.begin():
        session.execute(update(Round).where(Round.id == round_id).values(status="decided"))
        session.execute(update(Bid).where(Bid.round_id == round_id).values(status="approved"))
    seen = world.office.get(url(world)).json()["items"]
    assert [(m["id"], m["account_id"], m["account_name"]) for m in seen] == [
        (created["id"], None, None)
    ]
    assert world.other_office.get(url(world), params={"total": "true"}).json()["total"] == 0
