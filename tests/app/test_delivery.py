"""A funded bid's life after the decision: into delivery, then closed; its footprint's
integration sees it from the decision on."""

from __future__ import annotations

from tests.app.conftest import World
from tests.app.funded import decide


def decided(world: World, outcomes: list[str]) -> list[str]:
    """Bids of the world's round decided with `outcomes`, the round moved to decided."""
    return decide(world, [world.submitted_bid()["id"] for _ in outcomes], outcomes)


def test_an_approved_bid_goes_into_delivery_and_closes(world: World) -> None:
    approved, conditional = decided(world, ["approved", "approved_with_conditions"])

    assert world.integration.get(f"/v1/bids/{approved}").json()["status"] == "approved"
    started = world.admin.post(f"/v1/bids/{approved}/start-delivery")
    closed = world.admin.post(f"/v1/bids/{approved}/close")
    conditional_started = world.admin.post(f"/v1/bids/{conditional}/start-delivery")

    assert started.json()["status"] == "in_delivery"
    assert closed.json()["status"] == "closed"
    assert conditional_started.json()["status"] == "in_delivery"
    assert world.integration.get(f"/v1/bids/{approved}").json()["status"] == "closed"


def test_a_rejected_bid_never_goes_into_delivery_nor_shows_to_the_integration(
    world: World,
) -> None:
    (rejected,) = decided(world, ["rejected"])

    refused = world.admin.post(f"/v1/bids/{rejected}/start-delivery")
    not_started = world.admin.post(f"/v1/bids/{rejected}/close")

    assert refused.status_code == not_started.status_code == 409
    assert world.integration.get(f"/v1/bids/{rejected}").status_code == 404
    assert world.admin.get(f"/v1/bids/{rejected}").json()["status"] == "rejected"


def test_a_decided_bid_cannot_be_withdrawn(world: World) -> None:
    bid = world.submitted_bid()["id"]
    world.move_round("closed")
    body = {"decisions": [{"bid_id": bid, "outcome": "rejected", "rationale": "Weak case."}]}
    assert world.chair.post(f"/v1/rounds/{world.round['id']}/decisions", json=body).is_success

    assert world.office.post(f"/v1/bids/{bid}/withdraw").status_code == 409
    assert world.office.get(f"/v1/bids/{bid}").json()["status"] == "under_assessment"
