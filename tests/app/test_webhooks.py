"""Alert subscriptions: who may subscribe to what, checked URLs, secrets shown once; and the
outbox, which writes a delivery for each matching subscription in the caller's transaction."""

from __future__ import annotations

import base64
import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.services.outbox import publish
from app.tables import OutboxEvent, WebhookDelivery, WebhookSubscription
from tests.app.conftest import Caller, World

EVENTS = ["benefit.off_track", "hypothesis.refuted", "measurement.missing"]


def subscribe(caller: Caller, **fields: Any) -> dict[str, Any]:
    body = {"url": "https://alerts.example.org/bpv", "events": EVENTS, **fields}
    return caller.created("/v1/webhooks", body)


def error_fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_a_programme_office_subscribes_for_its_own_footprint_and_sees_the_secret_once(
    world: World,
) -> None:
    created = subscribe(world.office)

    assert created["footprint_id"] == world.footprint["id"]
    assert created["round_id"] is None
    assert created["status"] == "active"
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    listed = world.office.get("/v1/webhooks").json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert "secret" not in listed["items"][0]
    assert "secret" not in world.office.get(f"/v1/webhooks/{created['id']}").json()


def test_a_chair_subscribes_for_its_round(world: World) -> None:
    created = subscribe(world.chair, events=["hypothesis.refuted"])

    assert created["round_id"] == world.round["id"]
    assert created["footprint_id"] is None
    assert created["events"] == ["hypothesis.refuted"]


def test_an_admin_names_one_footprint_or_one_round(world: World) -> None:
    by_round = subscribe(world.admin, round_id=world.other_round["id"])
    neither = world.admin.post("/v1/webhooks", json={"url": "https://a.example", "events": EVENTS})
    unknown = world.admin.post(
        "/v1/webhooks",
        json={"url": "https://a.example", "events": EVENTS, "footprint_id": str(uuid.uuid4())},
    )

    assert by_round["round_id"] == world.other_round["id"]
    assert neither.status_code == unknown.status_code == 422
    assert error_fields(unknown) == ["footprint_id"]


def test_no_one_subscribes_for_another_footprint_or_round(world: World) -> None:
    other_footprint = world.office.post(
        "/v1/webhooks",
        json={
            "url": "https://a.example",
            "events": EVENTS,
            "footprint_id": world.other_footprint["id"],
        },
    )
    office_round = world.office.post(
        "/v1/webhooks",
        json={"url": "https://a.example", "events": EVENTS, "round_id": world.round["id"]},
    )
    other_round = world.chair.post(
        "/v1/webhooks",
        json={"url": "https://a.example", "events": EVENTS, "round_id": world.other_round["id"]},
    )

    assert other_footprint.status_code == office_round.status_code == other_round.status_code == 422
    assert error_fields(other_footprint) == ["footprint_id"]
    assert error_fields(office_round) == ["round_id"]
    assert error_fields(other_round) == ["round_id"]


@pytest.mark.parametrize("role", ["assessor", "integration"])
def test_other_roles_may_not_subscribe(world: World, role: str) -> None:
    caller: Caller = getattr(world, role)

    response = caller.post("/v1/webhooks", json={"url": "https://a.example", "events": EVENTS})

    assert response.status_code == 403
    assert caller.get("/v1/webhooks").status_code == 403


def test_an_unknown_event_is_named_by_its_index(world: World) -> None:
    response = world.office.post(
        "/v1/webhooks",
        json={"url": "https://a.example", "events": ["benefit.off_track", "bid.funded"]},
    )

    assert response.status_code == 422
    assert error_fields(response) == ["events[1]"]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://alerts.example.org/bpv",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "https:///path-only",
        "https://user:password@alerts.example.org/bpv",
        "https://token@alerts.example.org/bpv",
        "https://alerts.example.org/a b",
        "https://alerts.example.org:99999/bpv",
        "alerts.example.org/bpv",
        "https://alerts.example.org/" + "x" * 2000,
        "",
    ],
)
def test_a_bad_url_is_refused_naming_url(world: World, url: str) -> None:
    response = world.office.post("/v1/webhooks", json={"url": url, "events": EVENTS})

    assert response.status_code == 422, url
    assert error_fields(response) == ["url"]


def test_http_and_https_urls_with_ports_and_queries_are_taken(world: World) -> None:
    for url in ("http://127.0.0.1:8080/hook", "https://alerts.example.org/bpv?team=pmo"):
        assert subscribe(world.office, url=url)["url"] == url


def test_unknown_fields_are_refused(world: World) -> None:
    response = world.office.post(
        "/v1/webhooks", json={"url": "https://a.example", "events": EVENTS, "secret": "whsec_x"}
    )

    assert response.status_code == 422
    assert error_fields(response) == ["secret"]


def test_each_account_sees_only_its_own_subscriptions_and_an_admin_all(world: World) -> None:
    own = subscribe(world.office)
    others = subscribe(world.other_office)
    chairs = subscribe(world.chair)

    assert [i["id"] for i in world.office.get("/v1/webhooks").json()["items"]] == [own["id"]]
    assert world.office.get(f"/v1/webhooks/{others['id']}").status_code == 404
    assert world.other_office.request("DELETE", f"/v1/webhooks/{own['id']}").status_code == 404
    everyone = {i["id"] for i in world.admin.get("/v1/webhooks").json()["items"]}
    assert everyone == {own["id"], others["id"], chairs["id"]}


def test_a_deleted_subscription_is_gone_and_gets_nothing_more(world: World, engine: Engine) -> None:
    created = subscribe(world.office)
    with Session(engine) as session, session.begin():
        publish(
            session, "benefit.off_track", {"n": 1}, footprint_id=_id(world.footprint), round_id=None
        )

    deleted = world.office.request("DELETE", f"/v1/webhooks/{created['id']}")

    assert deleted.status_code == 204
    assert world.office.get(f"/v1/webhooks/{created['id']}").status_code == 404
    assert world.office.get("/v1/webhooks").json()["items"] == []
    assert world.office.request("DELETE", f"/v1/webhooks/{created['id']}").status_code == 404
    with Session(engine) as session:
        statuses = session.scalars(select(WebhookDelivery.status)).all()
        assert statuses == ["abandoned"]
        publish(
            session, "benefit.off_track", {"n": 2}, footprint_id=_id(world.footprint), round_id=None
        )
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1


def test_a_subscription_shows_its_pending_deliveries(world: World, engine: Engine) -> None:
    created = subscribe(world.office)
    with Session(engine) as session, session.begin():
        event = publish(
            session,
            "measurement.missing",
            {"bid_id": "b"},
            footprint_id=_id(world.footprint),
            round_id=None,
        )
        assert event is not None
        event_id = str(event.id)

    detail = world.office.get(f"/v1/webhooks/{created['id']}").json()

    [delivery] = detail["recent_deliveries"]
    assert delivery["event_id"] == event_id
    assert delivery["event_type"] == "measurement.missing"
    assert delivery["status"] == "pending"
    assert delivery["attempts"] == 0
    assert delivery["attempt_log"] == []


# The outbox


def _id(resource: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(resource["id"])


def _deliveries(engine: Engine) -> set[tuple[str, str]]:
    """(subscription id, event type) of every delivery written."""
    with Session(engine) as session:
        rows = session.execute(
            select(WebhookDelivery.subscription_id, OutboxEvent.event_type).join(
                OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id
            )
        )
        return {(str(s), t) for s, t in rows}


def test_an_event_is_delivered_to_each_matching_subscription_only(
    world: World, engine: Engine
) -> None:
    footprint_all = subscribe(world.office)
    footprint_missing = subscribe(world.office, events=["measurement.missing"])
    other_footprint = subscribe(world.other_office)
    round_all = subscribe(world.chair)
    other_round = subscribe(world.admin, round_id=world.other_round["id"])
    gone = subscribe(world.office)
    world.office.request("DELETE", f"/v1/webhooks/{gone['id']}")
    with Session(engine) as session, session.begin():
        disabled = session.get(WebhookSubscription, uuid.UUID(subscribe(world.office)["id"]))
        assert disabled is not None
        disabled.active = False

    with Session(engine) as session, session.begin():
        off_track = publish(
            session,
            "benefit.off_track",
            {"bid_id": "b1"},
            footprint_id=_id(world.footprint),
            round_id=_id(world.round),
        )

    assert off_track is not None
    assert _deliveries(engine) == {
        (footprint_all["id"], "benefit.off_track"),
        (round_all["id"], "benefit.off_track"),
    }
    assert footprint_missing["id"] and other_footprint["id"] and other_round["id"]
    with Session(engine) as session:
        deliveries = session.scalars(select(WebhookDelivery)).all()
        assert {(d.status, d.attempts) for d in deliveries} == {("pending", 0)}


def test_nothing_is_written_when_the_change_rolls_back(world: World, engine: Engine) -> None:
    subscribe(world.office)

    with Session(engine) as session:
        session.begin()
        assert publish(
            session, "benefit.off_track", {}, footprint_id=_id(world.footprint), round_id=None
        )
        session.rollback()

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_an_event_with_a_dedup_key_already_written_is_skipped_and_the_transaction_goes_on(
    world: World, engine: Engine
) -> None:
    subscribe(world.office)
    footprint = _id(world.footprint)
    with Session(engine) as session, session.begin():
        first = publish(
            session,
            "measurement.missing",
            {},
            footprint_id=footprint,
            round_id=None,
            dedup_key="k1",
        )
    with Session(engine) as session, session.begin():
        again = publish(
            session,
            "measurement.missing",
            {},
            footprint_id=footprint,
            round_id=None,
            dedup_key="k1",
        )
        other = publish(
            session,
            "measurement.missing",
            {},
            footprint_id=footprint,
            round_id=None,
            dedup_key="k2",
        )

    assert first is not None and other is not None
    assert again is None
    with Session(engine) as session:
        assert set(session.scalars(select(OutboxEvent.dedup_key))) == {"k1", "k2"}
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 2


def test_two_writers_of_one_dedup_key_store_it_once_and_neither_fails(
    world: World, engine: Engine
) -> None:
    subscribe(world.office)
    footprint = _id(world.footprint)
    second: list[OutboxEvent | None] = []

    def publish_again() -> None:
        # Its check finds nothing yet (the first writer has not committed); on PostgreSQL its
        # insert waits on the unique key and fails once the first commits, on SQLite it waits
        # for the write lock: either way it writes nothing and raises nothing.
        with Session(engine) as session, session.begin():
            second.append(
                publish(
                    session,
                    "measurement.missing",
                    {},
                    footprint_id=footprint,
                    round_id=None,
                    dedup_key="k",
                )
            )

    with Session(engine) as session, session.begin():
        assert publish(
            session, "measurement.missing", {}, footprint_id=footprint, round_id=None, dedup_key="k"
        )
        other = threading.Thread(target=publish_again)
        other.start()
        other.join(timeout=0.5)  # let it reach its insert (or the lock) before committing

    other.join(timeout=30)
    assert second == [None]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
