"""Who may see and do what on a round's panel routes, role by role: 404 for a round the caller
must not know exists, 403 for what it may see but not do, and the one role that may do it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.app.conftest import Caller, World

OK = {200, 201, 204}


@dataclass
class Panel:
    """A closed round with one bid under assessment, and every role's caller."""

    world: World
    bid: dict[str, Any]
    callers: dict[str, Caller]

    @property
    def url(self) -> str:
        return f"/v1/rounds/{self.world.round['id']}"


@pytest.fixture
def panel(world: World) -> Panel:
    bid = world.submitted_bid()
    elsewhere = world.other_round["id"]
    callers = {
        "admin": world.admin,
        "office": world.office,
        "other office": world.other_office,
        "assessor": world.assessor,
        "chair": world.chair,
        "assessor elsewhere": world.key("assessor", round_id=elsewhere),
        "chair elsewhere": world.key("chair", round_id=elsewhere),
        "integration": world.integration,
    }
    world.move_round("closed")
    return Panel(world, bid, callers)


def everyone_but(allowed: str, refused: int = 403, **others: int) -> dict[str, int]:
    """`allowed` may; panel members of another round find no round (404); the rest `refused`,
    unless `others` says otherwise."""
    expected = {name: refused for name in ROLES}
    expected.update({"assessor elsewhere": 404, "chair elsewhere": 404, allowed: 0, **others})
    return expected


ROLES = [
    "admin",
    "office",
    "other office",
    "assessor",
    "chair",
    "assessor elsewhere",
    "chair elsewhere",
    "integration",
]


def scores(panel: Panel) -> dict[str, Any]:
    return {
        "bid_id": panel.bid["id"],
        "scores": [
            {"criterion": "strategic_fit", "score": 4},
            {"criterion": "deliverability", "score": 3},
        ],
    }


Step = Callable[[Panel, Caller], Any]


def check(panel: Panel, step: Step, expected: dict[str, int]) -> None:
    """The refused callers first, so nothing they might have stored helps the allowed one."""
    for name in sorted(expected, key=lambda n: expected[n] == 0):
        status = step(panel, panel.callers[name]).status_code
        if expected[name] == 0:
            assert status in OK, (name, status)
        else:
            assert status == expected[name], (name, status)


def test_only_an_assessor_of_the_round_declares_a_conflict(panel: Panel) -> None:
    body = {"footprint_id": panel.world.other_footprint["id"], "reason": "Former employer."}
    check(panel, lambda p, c: c.post(f"{p.url}/conflicts", json=body), everyone_but("assessor"))


def test_conflicts_are_read_by_the_round_s_panel_and_administrators(panel: Panel) -> None:
    check(
        panel,
        lambda p, c: c.get(f"{p.url}/conflicts"),
        everyone_but("assessor", chair=0, admin=0),
    )


def test_only_an_assessor_of_the_round_scores(panel: Panel) -> None:
    check(
        panel,
        lambda p, c: c.post(f"{p.url}/assessments", json=scores(p)),
        everyone_but("assessor"),
    )


def test_assessments_are_read_by_the_panel_and_offices_only_once_decided(panel: Panel) -> None:
    check(
        panel,
        lambda p, c: c.get(f"{p.url}/assessments"),
        everyone_but("assessor", chair=0, admin=0),
    )


def test_only_the_chair_moderates(panel: Panel) -> None:
    panel.world.assessor.created(f"{panel.url}/assessments", scores(panel))
    body = {"bid_id": panel.bid["id"], "weighted_score": 3.0, "reason": "Agreed at panel."}
    check(panel, lambda p, c: c.post(f"{p.url}/moderations", json=body), everyone_but("chair"))


def test_moderations_are_read_by_the_chair_and_administrators(panel: Panel) -> None:
    check(panel, lambda p, c: c.get(f"{p.url}/moderations"), everyone_but("chair", admin=0))


def test_the_ranking_is_read_by_the_chair_administrators_and_programme_offices(
    panel: Panel,
) -> None:
    panel.world.assessor.created(f"{panel.url}/assessments", scores(panel))
    check(
        panel,
        lambda p, c: c.get(f"{p.url}/ranking", params={"draws": 10}),
        everyone_but("chair", admin=0, office=0, **{"other office": 0}),
    )
    own = panel.world.office.get(f"{panel.url}/ranking", params={"draws": 10}).json()
    other = panel.world.other_office.get(f"{panel.url}/ranking", params={"draws": 10}).json()
    assert [item["bid_id"] for item in own["items"]] == [panel.bid["id"]]
    assert other["items"] == []


def test_only_the_chair_decides(panel: Panel) -> None:
    body = {"decisions": [{"bid_id": panel.bid["id"], "outcome": "rejected", "rationale": "Weak."}]}
    check(panel, lambda p, c: c.post(f"{p.url}/decisions", json=body), everyone_but("chair"))


def test_decisions_are_read_by_the_chair_administrators_and_the_bid_s_own_office(
    panel: Panel,
) -> None:
    body = {"decisions": [{"bid_id": panel.bid["id"], "outcome": "rejected", "rationale": "Weak."}]}
    [decision] = panel.world.chair.post(f"{panel.url}/decisions", json=body).json()["decisions"]
    check(
        panel,
        lambda p, c: c.get(f"{p.url}/decisions/{decision['id']}"),
        everyone_but("chair", admin=0, office=0, **{"other office": 404}),
    )
    other = panel.world.other_office.get(f"{panel.url}/decisions").json()
    assert other["items"] == []


def portfolio_ready(panel: Panel) -> None:
    """The bid scored (so it is ranked) and the round given an envelope."""
    panel.world.assessor.created(f"{panel.url}/assessments", scores(panel))
    envelope = {"envelope": {"total": 1_000_000}}
    moved = panel.world.admin.patch(panel.url, json=envelope, headers={"If-Match": "*"})
    assert moved.status_code == 200, moved.text


def test_only_the_chair_runs_the_rounds_portfolio(panel: Panel) -> None:
    portfolio_ready(panel)
    check(panel, lambda p, c: c.post(f"{p.url}/portfolio", json={}), everyone_but("chair"))


def test_portfolio_runs_are_read_by_the_chair_and_administrators(panel: Panel) -> None:
    portfolio_ready(panel)
    run = panel.world.chair.created(f"{panel.url}/portfolio", {})
    check(
        panel,
        lambda p, c: c.get(f"{p.url}/portfolios/{run['id']}"),
        everyone_but("chair", admin=0),
    )


def test_the_stateless_portfolio_is_open_to_every_role(panel: Panel) -> None:
    body = {"budget": {"total": 10}, "options": [{"id": "a", "cost": 5, "value": 1}]}
    check(
        panel,
        lambda p, c: c.post("/v1/portfolio/optimise", json=body),
        {name: 0 for name in ROLES},
    )


def test_only_an_administrator_revokes_a_key_or_moves_a_bid_into_delivery(panel: Panel) -> None:
    key = panel.world.key("programme_office", footprint_id=panel.world.footprint["id"])
    listed = panel.world.admin.get("/v1/api-keys", params={"limit": 200}).json()["items"]
    key_id = listed[-1]["id"]
    bid_url = f"/v1/bids/{panel.bid['id']}"
    for name in ROLES[1:]:
        caller = panel.callers[name]
        assert caller.request("DELETE", f"/v1/api-keys/{key_id}").status_code == 403, name
        delivery = caller.post(f"{bid_url}/start-delivery").status_code
        assert delivery in {403, 404}, (name, delivery)
    assert key.get("/v1/footprints").status_code == 200
    assert panel.world.admin.request("DELETE", f"/v1/api-keys/{key_id}").status_code == 204
    assert key.get("/v1/footprints").status_code == 401
