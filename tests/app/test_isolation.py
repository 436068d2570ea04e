"""Who may see and do what: 404 for what a caller must not know exists, 403 for what it may see
but not do, 401 without a valid key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body


def bid_requests(bid_id: str) -> list[tuple[str, str, dict[str, object]]]:
    """Every request on one bid, reads and writes alike."""
    url = f"/v1/bids/{bid_id}"
    anything = {"headers": {"If-Match": "*"}}
    return [
        ("GET", url, {}),
        ("PATCH", url, {"json": {"title": "Taken over"}, **anything}),
        ("GET", f"{url}/versions", {}),
        ("GET", f"{url}/logic-model", {}),
        ("PUT", f"{url}/logic-model", {"json": good_logic_model(), **anything}),
        ("GET", f"{url}/logic-model/findings", {}),
        ("GET", f"{url}/hypotheses", {}),
        ("POST", f"{url}/hypotheses", {"json": hypothesis_body()}),
        ("POST", f"{url}/submit", {}),
        ("POST", f"{url}/withdraw", {}),
        ("POST", f"{url}/revise", {}),
        ("POST", f"{url}/start-delivery", {}),
        ("POST", f"{url}/close", {}),
        ("GET", f"{url}/appraisal", {}),
    ]


def statuses(caller: Caller, bid_id: str) -> set[int]:
    return {caller.request(m, url, **kw).status_code for m, url, kw in bid_requests(bid_id)}


def test_another_footprints_bid_does_not_exist_for_a_programme_office(world: World) -> None:
    bid = world.draft_bid()

    assert statuses(world.other_office, bid["id"]) == {404}
    assert world.other_office.get("/v1/bids?total=true").json()["total"] == 0
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["title"] == "Diabetes nurses"


def test_panel_members_see_no_drafts_and_nothing_outside_their_round(world: World) -> None:
    draft = world.draft_bid()
    other_round_bid = world.draft_bid(round_id=world.other_round["id"])

    for member in (world.assessor, world.chair):
        assert statuses(member, draft["id"]) == {404}
        assert statuses(member, other_round_bid["id"]) == {404}
        assert member.get("/v1/bids?total=true").json()["total"] == 0
        assert member.get(f"/v1/rounds/{world.other_round['id']}").status_code == 404


def test_panel_members_read_submitted_bids_but_may_not_change_them(world: World) -> None:
    bid = world.submitted_bid()
    reads = {"GET"}

    for member in (world.assessor, world.chair):
        for method, url, kwargs in bid_requests(bid["id"]):
            expected = 200 if method in reads else 403
            assert member.request(method, url, **kwargs).status_code == expected, (method, url)


def test_an_integration_sees_none_of_its_footprints_unfunded_bids(world: World) -> None:
    draft = world.draft_bid()
    submitted = world.submitted_bid()

    assert statuses(world.integration, draft["id"]) == {404}
    assert statuses(world.integration, submitted["id"]) == {404}
    assert world.integration.get("/v1/bids?total=true").json()["total"] == 0


@pytest.mark.parametrize("role", ["office", "assessor", "chair", "integration"])
def test_only_administrators_manage_places_rounds_and_keys(world: World, role: str) -> None:
    caller: Caller = getattr(world, role)
    footprint = {"code": "QOX", "name": "Buckinghamshire, Oxfordshire", "population": 1_800_000}
    organisation = {
        "code": "RTH",
        "name": "Oxford University Hospitals",
        "kind": "trust",
        "footprint_ids": [world.footprint["id"]],
    }

    assert caller.post("/v1/footprints", json=footprint).status_code == 403
    assert caller.post("/v1/organisations", json=organisation).status_code == 403
    assert (
        caller.post("/v1/rounds", json={"name": "R", "programme_areas": ["x"]}).status_code == 403
    )
    assert caller.get("/v1/api-keys").status_code == 403
    assert caller.post("/v1/api-keys", json={"role": "admin", "name": "me"}).status_code == 403
    patch = caller.patch(
        f"/v1/rounds/{world.round['id']}", json={"name": "Mine"}, headers={"If-Match": "*"}
    )
    assert patch.status_code == 403
    assert caller.get("/v1/footprints").status_code == 200


def test_panel_members_and_integrations_may_not_draft_bids(world: World) -> None:
    body = {"round_id": world.round["id"], "title": "Mine", "programme_area": "diabetes"}

    for caller in (world.assessor, world.chair, world.integration):
        assert caller.post("/v1/bids", json=body).status_code == 403
    assert world.admin.get("/v1/bids?total=true").json()["total"] == 0


def test_a_draft_round_is_hidden_from_programme_offices(world: World) -> None:
    draft_round = world.admin.created("/v1/rounds", {"name": "Next year", "programme_areas": ["x"]})

    assert world.office.get(f"/v1/rounds/{draft_round['id']}").status_code == 404
    assert world.office.get("/v1/rounds?total=true").json()["total"] == 2
    assert world.admin.get("/v1/rounds?total=true").json()["total"] == 3


def test_a_programme_office_cannot_bid_for_another_footprint(world: World) -> None:
    response = world.office.post(
        "/v1/bids",
        json={
            "round_id": world.round["id"],
            "title": "Not ours",
            "programme_area": "diabetes",
            "footprint_id": world.other_footprint["id"],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "footprint_id"
    assert world.admin.get("/v1/bids?total=true").json()["total"] == 0


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer bpv_000000000000_wrong"],
)
def test_a_missing_or_wrong_key_gets_401(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/v1/bids", headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_revoked_or_tampered_key_gets_401(world: World) -> None:
    tampered = Caller(world.office.client, world.office.key[:-2] + "xx")

    assert tampered.get("/v1/bids").status_code == 401


def test_a_refusal_names_the_role_in_plain_words(world: World) -> None:
    footprint = {"code": "QOX", "name": "Buckinghamshire, Oxfordshire", "population": 1_800_000}

    by_assessor = world.assessor.post("/v1/footprints", json=footprint).json()["detail"]
    by_office = world.office.post("/v1/footprints", json=footprint).json()["detail"]

    assert by_assessor == "An assessor key may not do this."
    assert by_office == "A programme office key may not do this."
