"""Pages by cursor: every item once, in order; bad cursors refused; scope kept; an index used."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories import bid_answers
from app.repositories.bid_answers import BidAnswers
from app.repositories.bids import Bids
from app.repositories.pages import Fetched, Window
from app.schemas.keys import Role
from app.tables import Bid, BidVersion
from tests.app.conftest import World


def walk(caller: Any, path: str, limit: int) -> list[dict[str, Any]]:
    """Every page of a list, following `next_cursor`."""
    pages = [caller.get(path, params={"limit": limit}).json()]
    while pages[-1]["next_cursor"] is not None:
        cursor = pages[-1]["next_cursor"]
        pages.append(caller.get(path, params={"limit": limit, "cursor": cursor}).json())
    return pages


def test_following_next_cursor_gives_every_bid_once_oldest_first(world: World) -> None:
    created = [world.draft_bid(title=f"Bid {n}")["id"] for n in range(5)]

    pages = walk(world.office, "/v1/bids", 2)

    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert [b["id"] for p in pages for b in p["items"]] == created
    assert all(p["total"] is None for p in pages)


def test_a_total_only_when_asked_for(world: World) -> None:
    for _ in range(3):
        world.draft_bid()

    asked = world.office.get("/v1/bids", params={"limit": 1, "total": "true"}).json()
    unasked = world.office.get("/v1/bids", params={"limit": 1}).json()

    assert asked["total"] == 3
    assert unasked["total"] is None
    assert asked["next_cursor"] == unasked["next_cursor"] is not None


def test_a_page_that_ends_the_list_has_no_next_cursor(world: World) -> None:
    for _ in range(2):
        world.draft_bid()

    page = world.office.get("/v1/bids", params={"limit": 2}).json()

    assert len(page["items"]) == 2
    assert page["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !",
        base64.urlsafe_b64encode(b"{}").decode(),  # not a list
        base64.urlsafe_b64encode(b'["2020-01-01T00:00:00+00:00"]').decode(),  # one value of two
        base64.urlsafe_b64encode(b'["yesterday", "00000000-0000-0000-0000-000000000000"]').decode(),
        base64.urlsafe_b64encode(b'["2020-01-01T00:00:00", "not a uuid"]').decode(),
        base64.urlsafe_b64encode(  # a time beyond the calendar once in UTC
            b'["9999-12-31T23:59:59-14:00", "00000000-0000-0000-0000-000000000000"]'
        ).decode(),
        "A" * 501,  # longer than any cursor a list gives
    ],
)
def test_a_bad_cursor_answers_422_naming_it(world: World, cursor: str) -> None:
    response = world.office.get("/v1/bids", params={"cursor": cursor})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_an_in_memory_list_pages_by_cursor_too(world: World) -> None:
    bid = world.draft_bid()
    for n in range(5):
        world.office.created(f"/v1/bids/{bid['id']}/cost-lines", {
            "name": f"Line {n}", "kind": "revenue", "flows": [{"year": 2017, "amount": 1}]
        })  # fmt: skip

    pages = walk(world.office, f"/v1/bids/{bid['id']}/cost-lines", 2)
    bad = world.office.get(f"/v1/bids/{bid['id']}/cost-lines", params={"cursor": "WyJ4Il0"})

    assert [[line["name"] for line in p["items"]] for p in pages] == [
        ["Line 0", "Line 1"], ["Line 2", "Line 3"], ["Line 4"],
    ]  # fmt: skip
    assert bad.status_code == 422


def test_a_page_of_large_bids_ends_early_and_its_cursor_goes_on(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    risk = {"description": "Recruitment " * 40, "likelihood": "low", "impact": "low"}
    created = [world.draft_bid(risks=[risk] * 5)["id"] for _ in range(5)]
    stored = len(world.office.get(f"/v1/bids/{created[0]}").content)
    monkeypatch.setattr(bid_answers, "PAGE_CONTENT_BUDGET", 2 * stored)

    pages = walk(world.office, "/v1/bids", 50)

    # Each page holds as many as fit, and at least one however large.
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert [b["id"] for p in pages for b in p["items"]] == created
    monkeypatch.setattr(bid_answers, "PAGE_CONTENT_BUDGET", 1)
    assert [len(p["items"]) for p in walk(world.office, "/v1/bids", 50)] == [1] * 5


def test_a_bid_s_partners_come_in_their_order_in_a_page_and_alone(world: World) -> None:
    partners = [
        world.admin.created(
            "/v1/organisations",
            {"code": f"P{n}", "name": f"Partner {n}", "kind": "trust",
             "footprint_ids": [world.footprint["id"]]},
        )["id"]
        for n in range(3)
    ]  # fmt: skip
    first = world.draft_bid(partner_ids=partners[::-1])
    second = world.draft_bid(partner_ids=partners[1:])
    world.draft_bid()

    listed = world.office.get("/v1/bids").json()["items"]
    read = world.office.get(f"/v1/bids/{first['id']}").json()

    assert [b["partner_ids"] for b in listed] == [partners[::-1], partners[1:], []]
    assert read == listed[0] == first
    assert second == listed[1]


def test_a_cursor_moves_only_through_what_the_caller_may_see(world: World) -> None:
    for _ in range(3):
        world.draft_bid()
    cursor = world.office.get("/v1/bids", params={"limit": 1}).json()["next_cursor"]

    theirs = world.other_office.get("/v1/bids", params={"cursor": cursor})

    assert theirs.status_code == 200
    assert theirs.json()["items"] == []


LIST_INDEXES = ("ix_bids_footprint_id_created_at_id", "ix_bids_created_at_id")


def many_bids(engine: Engine, world: World, count: int) -> None:
    """`count` bids in each footprint, inserted straight into the tables."""
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    footprints = [uuid.UUID(world.footprint["id"]), uuid.UUID(world.other_footprint["id"])]
    round_id = uuid.UUID(world.round["id"])
    bids, versions = [], []
    for i in range(2 * count):
        stamp = start + dt.timedelta(seconds=i)
        footprint_id = footprints[i % 2]
        bid_id = uuid.uuid4()
        bids.append({"id": bid_id, "created_at": stamp, "updated_at": stamp, "version": 1,
                     "footprint_id": footprint_id, "round_id": round_id, "status": "draft",
                     "current_version": 1})  # fmt: skip
        versions.append({"id": uuid.uuid4(), "created_at": stamp, "updated_at": stamp,
                         "version": 1, "bid_id": bid_id, "number": 1, "title": f"Bid {i}",
                         "programme_area": "diabetes", "content": {},
                         "logic_model": {}})  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Bid), bids)
        connection.execute(insert(BidVersion), versions)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE bids")


Pager = Callable[[Session, Principal, Window], Fetched[Any]]
PAGERS: dict[str, Pager] = {
    "the API's list": lambda session, principal, window: BidAnswers(session, principal).page(
        window
    ),
    "the pages' list": lambda session, principal, window: Bids(session, principal).page(window),
}


def page_plan(engine: Engine, principal: Principal, pager: Pager) -> str:
    """The database's plan of the query that reads a page deep in the office's bids."""
    with Session(engine) as session:
        cursor = pager(session, principal, Window(1, offset=4_000)).next_cursor
        statements: list[tuple[str, Any]] = []

        def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
            statements.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            pager(session, principal, Window(20, cursor=cursor))
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = statements[0]  # the page; the ORM's list loads partners next
        explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        connection = session.connection()
        rows = connection.exec_driver_sql(f"{explain} {statement}", parameters).all()
        return "\n".join(" ".join(str(part) for part in row) for row in rows)


@pytest.mark.parametrize("pager", PAGERS.values(), ids=PAGERS.keys())
def test_a_deep_page_is_read_through_the_index_in_the_lists_order(
    engine: Engine, world: World, pager: Pager
) -> None:
    many_bids(engine, world, 5_000)  # and as many in the other footprint
    office = Principal(uuid.uuid4(), Role.PROGRAMME_OFFICE, uuid.UUID(world.footprint["id"]))

    plan = page_plan(engine, office, pager)

    # An index on the list's order finds the rows after the cursor, in order: nothing is
    # sorted. (Which one is the planner's choice: the footprint's, or the whole list's with
    # the footprint as a filter.)
    used = [name for name in LIST_INDEXES if name in plan]
    assert used, plan
    assert "created_at" in plan.partition(used[0])[2], plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
