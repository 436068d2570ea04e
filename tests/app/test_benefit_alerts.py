"""Alerts in the webhook outbox: a hypothesis whose verdict a batch turns off track (or
refuted), found by the review of the bids the batch marked due, once per change and only for a
batch that committed; a missing measurement once per period."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.services.benefit_alerts import examine, mark_due, record, review_due, scan_missing
from app.tables import BenefitReview, OutboxEvent, WebhookDelivery
from tests.app.conftest import World
from tests.app.funded import funded_bids, months, on_trajectory, store

YEAR = months(dt.date(2017, 4, 1), 24)
ALERTS = {"benefit.off_track", "hypothesis.refuted"}


def stored_batch(
    engine: Engine, bid: str, values: list, *, commit: bool = True, source: str = "SUS"
) -> None:
    """A batch stored the way the measurements service stores one: rows written and the bid
    marked due for review, in one transaction."""
    try:
        with Session(engine) as session, session.begin():
            store(session, bid, values, source=source)
            mark_due(session, [uuid.UUID(bid)])
            if not commit:
                raise Rejected
    except Rejected:
        pass


class Rejected(Exception):
    """The batch failed after its bid was marked due: the transaction rolls back."""


def review(engine: Engine) -> int:
    """What the worker does: review the due bids, in a transaction of its own."""
    with Session(engine) as session, session.begin():
        return review_due(session, dt.date.today())


def events(engine: Engine, kinds: set[str]) -> list[OutboxEvent]:
    with Session(engine) as session:
        stmt = select(OutboxEvent).where(OutboxEvent.event_type.in_(kinds))
        return list(session.scalars(stmt.order_by(OutboxEvent.created_at)))


def test_a_batch_that_turns_a_hypothesis_off_track_writes_an_alert(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    hypothesis_id = world.office.get(f"/v1/bids/{bid}/hypotheses").json()["items"][0]["id"]

    stored_batch(engine, bid, on_trajectory(YEAR, share=0.0))
    assert events(engine, ALERTS) == []  # storing a batch tracks nothing

    assert review(engine) == 1
    (event,) = events(engine, ALERTS)
    assert event.payload["bid_id"] == bid
    assert event.payload["hypothesis_id"] == hypothesis_id
    assert event.payload["indicator"] == "Emergency admissions"
    assert event.payload["verdict"] in {"off_track", "refuted"}
    assert (
        event.event_type
        == {"off_track": "benefit.off_track", "refuted": "hypothesis.refuted"}[
            event.payload["verdict"]
        ]
    )
    assert event.payload["rule"] and isinstance(event.payload["figures"], dict)
    assert str(event.footprint_id) == world.footprint["id"]
    assert str(event.round_id) == world.round["id"]
    report = world.office.get(f"/v1/bids/{bid}/benefits").json()
    assert report["hypotheses"][0]["verdict"] == event.payload["verdict"]


def test_an_alert_is_written_once_per_change(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    stored_batch(engine, bid, on_trajectory(YEAR, share=0.0))
    review(engine)

    # A second source agrees for one month: the verdict stands, so no second alert.
    stored_batch(engine, bid, on_trajectory(YEAR[:1], share=0.0), source="local")
    assert review(engine) == 1

    assert len(events(engine, ALERTS)) == 1
    assert review(engine) == 0  # nothing waits any more


def test_batches_that_arrive_before_a_review_are_reviewed_once(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    stored_batch(engine, bid, on_trajectory(YEAR[:12], share=0.0))
    stored_batch(engine, bid, on_trajectory(YEAR[12:], share=0.0))

    assert review(engine) == 1
    assert len(events(engine, ALERTS)) == 1
    assert review(engine) == 0


def test_a_verdict_that_recovers_and_turns_again_is_alerted_again(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    # Each batch corrects the one before (same periods and source): off, on, then off track.
    for share in (0.0, 1.0, 0.0):
        body = batch_body(bid, on_trajectory(YEAR[:6], share=share))
        assert world.integration.post("/v1/measurements", json=body).status_code == 201
        assert review(engine) == 1

    assert [e.payload["verdict"] for e in events(engine, ALERTS)] == ["off_track"] * 2


def test_a_batch_on_track_or_rolled_back_writes_no_alert(world: World, engine: Engine) -> None:
    good, bad = funded_bids(world, ["approved", "approved"])

    stored_batch(engine, good, on_trajectory(YEAR))
    stored_batch(engine, bad, on_trajectory(YEAR, share=0.0), commit=False)

    assert review(engine) == 1  # the good bid: the rolled-back batch left nothing due
    assert events(engine, ALERTS) == []
    assert (
        world.office.get(f"/v1/bids/{bad}/benefits").json()["hypotheses"][0]["verdict"] == "no_data"
    )


def test_a_missing_measurement_is_published_once_per_period(world: World, engine: Engine) -> None:
    late, _ = funded_bids(world, ["approved", "rejected"])  # a rejected bid is not tracked
    with Session(engine) as session, session.begin():
        store(session, late, on_trajectory(YEAR[:6]))  # April to September 2017
    today = dt.date(2018, 1, 15)  # October and November are past the grace; December is not

    with Session(engine) as session, session.begin():
        first = scan_missing(session, today)
    with Session(engine) as session, session.begin():
        again = scan_missing(session, today)

    assert (first, again) == (2, 0)
    missing = events(engine, {"measurement.missing"})
    assert sorted(e.payload["period_start"] for e in missing) == ["2017-10-01", "2017-11-01"]
    assert {e.payload["bid_id"] for e in missing} == {late}
    assert str(missing[0].footprint_id) == world.footprint["id"]


def batch_body(bid: str, values: list, *, bad_last: bool = False) -> dict:
    items = [
        {
            "bid_id": bid,
            "indicator": "Emergency admissions",
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "value": value,
            "source": "SUS",
        }
        for (start, end), value in values
    ]
    if bad_last:
        items.append({**items[-1], "period_end": "2016-01-01"})  # ends before it starts
    return {"measurements": items}


def test_a_posted_batch_that_turns_a_hypothesis_alerts_its_subscribers(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    subscription = world.office.post(
        "/v1/webhooks",
        json={"url": "https://hooks.example.org/bpv", "events": sorted(ALERTS)},
    )
    assert subscription.status_code == 201, subscription.text

    posted = world.integration.post(
        "/v1/measurements", json=batch_body(bid, on_trajectory(YEAR, share=0.0))
    )

    assert posted.status_code == 201, posted.text
    review(engine)
    (event,) = events(engine, ALERTS)
    with Session(engine) as session:
        deliveries = session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
        ).all()
    assert [str(d.subscription_id) for d in deliveries] == [subscription.json()["id"]]


def test_a_rejected_batch_writes_no_alert(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])

    posted = world.integration.post(
        "/v1/measurements", json=batch_body(bid, on_trajectory(YEAR, share=0.0), bad_last=True)
    )

    assert posted.status_code == 422
    assert review(engine) == 0
    assert events(engine, ALERTS) == []
    report = world.office.get(f"/v1/bids/{bid}/benefits").json()
    assert report["hypotheses"][0]["verdict"] == "no_data"


def test_two_workers_that_examined_one_bid_alert_its_change_once(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    stored_batch(engine, bid, on_trajectory(YEAR, share=0.0))
    with Session(engine) as session:
        mine, theirs = examine(session, dt.date.today()), examine(session, dt.date.today())

    for found in (mine, theirs):
        with Session(engine) as session, session.begin():
            record(session, found)

    assert len(events(engine, ALERTS)) == 1
    assert review(engine) == 0


def test_a_batch_stored_while_a_bid_is_examined_leaves_it_due(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    stored_batch(engine, bid, on_trajectory(YEAR[:12]))
    with Session(engine) as session:
        found = examine(session, dt.date.today())
    stored_batch(engine, bid, on_trajectory(YEAR[12:], share=0.0))  # turns it off track
    with Session(engine) as session, session.begin():
        record(session, found)
    assert events(engine, ALERTS) == []  # what was examined was on track

    assert review(engine) == 1
    assert len(events(engine, ALERTS)) == 1


def test_a_batch_marks_a_bid_due_once_and_keeps_the_longest_wait(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    stored_batch(engine, bid, on_trajectory(YEAR[:1]))
    with Session(engine) as session:
        first_due = session.get_one(BenefitReview, uuid.UUID(bid)).due_at

    stored_batch(engine, bid, on_trajectory(YEAR[1:2]))

    with Session(engine) as session:
        reviews = session.scalars(select(BenefitReview)).all()
    assert [(str(r.bid_id), r.due_at) for r in reviews] == [(bid, first_due)]
