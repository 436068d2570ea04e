"""Hypotheses and cost lines keep their ids across a bid's versions, each version keeping its
own copy; a draft's hypotheses and cost lines can be edited and deleted one at a time."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body, nurse_costs


def etag_of(caller: Caller, bid_id: str) -> str:
    return caller.get(f"/v1/bids/{bid_id}").headers["ETag"]


def hub_costs() -> dict[str, Any]:
    return {
        "name": "Hub sessions",
        "kind": "revenue",
        "flows": [{"year": 2017, "amount": 50_000}],
    }


def test_cost_lines_get_ids_that_a_patch_keeps_when_sent_back(world: World) -> None:
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    url = f"/v1/bids/{bid['id']}"
    (nurses,) = bid["cost_lines"]

    kept = world.office.patch(
        url,
        json={"cost_lines": [{**nurses, "name": "Specialist nurses"}, hub_costs()]},
        headers={"If-Match": "*"},
    )

    lines = kept.json()["cost_lines"]
    assert kept.status_code == 200, kept.text
    assert uuid.UUID(nurses["id"])
    assert [line["id"] == nurses["id"] for line in lines] == [True, False]
    assert lines[0]["name"] == "Specialist nurses"
    assert uuid.UUID(lines[1]["id"])


def test_a_cost_line_id_the_version_does_not_have_is_refused(world: World) -> None:
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    url = f"/v1/bids/{bid['id']}"
    made_up = {**nurse_costs(), "id": str(uuid.uuid4())}
    (nurses,) = bid["cost_lines"]

    unknown = world.office.patch(
        url, json={"cost_lines": [nurses, made_up]}, headers={"If-Match": "*"}
    )
    twice = world.office.patch(
        url, json={"cost_lines": [nurses, nurses]}, headers={"If-Match": "*"}
    )
    on_create = world.office.post(
        "/v1/bids",
        json={
            "round_id": world.round["id"],
            "title": "Hub",
            "programme_area": "diabetes",
            "cost_lines": [made_up],
        },
    )

    assert unknown.status_code == twice.status_code == on_create.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "cost_lines[1].id"
    assert twice.json()["errors"][0]["field"] == "cost_lines[1].id"
    assert on_create.json()["errors"][0]["field"] == "cost_lines[0].id"
    assert world.office.get(url).json()["cost_lines"] == [nurses]


def test_ids_survive_revision_and_each_version_keeps_its_own_copy(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"
    (hypothesis,) = world.office.get(f"{url}/hypotheses").json()["items"]
    (line,) = bid["cost_lines"]

    world.office.post(f"{url}/revise")
    revised_hypothesis = world.office.get(f"{url}/hypotheses/{hypothesis['id']}").json()
    revised_line = world.office.get(f"{url}/cost-lines/{line['id']}").json()
    edited_hypothesis = world.office.patch(
        f"{url}/hypotheses/{hypothesis['id']}",
        json={"confidence": 0.4},
        headers={"If-Match": etag_of(world.office, bid["id"])},
    )
    edited_line = world.office.patch(
        f"{url}/cost-lines/{line['id']}",
        json={"name": "Fewer nurses"},
        headers={"If-Match": etag_of(world.office, bid["id"])},
    )
    added = world.office.created(f"{url}/cost-lines", hub_costs())
    versions = world.office.get(f"{url}/versions").json()["items"]

    assert revised_hypothesis["bid_version"] == 2
    assert revised_hypothesis["id"] == hypothesis["id"]
    assert revised_line == line
    assert edited_hypothesis.status_code == edited_line.status_code == 200
    submitted, draft = versions
    assert submitted["hypotheses"][0]["confidence"] == 0.7
    assert draft["hypotheses"][0]["confidence"] == 0.4
    assert [h["id"] for h in submitted["hypotheses"]] == [hypothesis["id"]]
    assert [h["id"] for h in draft["hypotheses"]] == [hypothesis["id"]]
    assert submitted["cost_lines"] == [line]
    assert [(c["id"], c["name"]) for c in draft["cost_lines"]] == [
        (line["id"], "Fewer nurses"),
        (added["id"], "Hub sessions"),
    ]


def test_deleting_from_the_draft_leaves_the_submitted_version_whole(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"
    (hypothesis,) = world.office.get(f"{url}/hypotheses").json()["items"]
    (line,) = bid["cost_lines"]
    world.office.post(f"{url}/revise")

    gone = world.office.request(
        "DELETE",
        f"{url}/hypotheses/{hypothesis['id']}",
        headers={"If-Match": etag_of(world.office, bid["id"])},
    )
    line_gone = world.office.request(
        "DELETE", f"{url}/cost-lines/{line['id']}", headers={"If-Match": gone.headers["ETag"]}
    )
    submitted, draft = world.office.get(f"{url}/versions").json()["items"]

    assert gone.status_code == line_gone.status_code == 204
    assert world.office.get(f"{url}/hypotheses/{hypothesis['id']}").status_code == 404
    assert world.office.get(f"{url}/cost-lines/{line['id']}").status_code == 404
    assert draft["hypotheses"] == [] and draft["cost_lines"] == []
    assert [h["id"] for h in submitted["hypotheses"]] == [hypothesis["id"]]
    assert submitted["cost_lines"] == [line]


def _bid_whose_hypothesis_lost_its_edge(world: World) -> tuple[str, str]:
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    url = f"/v1/bids/{bid['id']}"
    world.office.put(f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"})
    hypothesis = world.office.created(f"{url}/hypotheses", hypothesis_body())
    # The model is replaced: control -> admissions, the hypothesis's edge, is gone.
    model = good_logic_model()
    (dropped,) = [e for e in model["edges"] if e["target"] == "admissions"]
    model["edges"] = [e for e in model["edges"] if e is not dropped]
    model["edges"].append({**dropped, "source": "clinics"})
    replaced = world.office.put(f"{url}/logic-model", json=model, headers={"If-Match": "*"})
    assert replaced.status_code == 200, replaced.text
    return url, hypothesis["id"]


def test_a_hypothesis_whose_edge_was_removed_can_be_moved_so_the_bid_submits(
    world: World,
) -> None:
    url, hypothesis_id = _bid_whose_hypothesis_lost_its_edge(world)

    blocked = world.office.post(f"{url}/submit")
    moved = world.office.patch(
        f"{url}/hypotheses/{hypothesis_id}",
        json={"edge": {"source": "clinics", "target": "admissions"}},
        headers={"If-Match": world.office.get(url).headers["ETag"]},
    )
    submitted = world.office.post(f"{url}/submit")

    assert blocked.status_code == 409
    assert "hypothesis_on_missing_edge" in {f["code"] for f in blocked.json()["findings"]}
    assert moved.status_code == 200, moved.text
    assert moved.json()["edge"] == {"source": "clinics", "target": "admissions"}
    assert moved.json()["id"] == hypothesis_id
    assert submitted.status_code == 200, submitted.text


def test_a_hypothesis_whose_edge_was_removed_can_be_deleted_so_the_bid_submits(
    world: World,
) -> None:
    url, hypothesis_id = _bid_whose_hypothesis_lost_its_edge(world)

    blocked = world.office.post(f"{url}/submit")
    deleted = world.office.request(
        "DELETE", f"{url}/hypotheses/{hypothesis_id}", headers={"If-Match": "*"}
    )
    submitted = world.office.post(f"{url}/submit")

    assert blocked.status_code == 409
    assert deleted.status_code == 204
    assert submitted.status_code == 200, submitted.text


def test_a_hypothesis_edit_is_checked_as_a_new_hypothesis_is(world: World) -> None:
    bid = world.draft_bid()
    url = f"/v1/bids/{bid['id']}"
    world.office.put(f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"})
    hypothesis = world.office.created(f"{url}/hypotheses", hypothesis_body())
    path = f"{url}/hypotheses/{hypothesis['id']}"

    off_model = world.office.patch(
        path,
        json={"edge": {"source": "funding", "target": "admissions"}},
        headers={"If-Match": "*"},
    )
    removed = world.office.patch(path, json={"indicator": None}, headers={"If-Match": "*"})
    misspelt = world.office.patch(path, json={"confidnce": 0.5}, headers={"If-Match": "*"})
    no_etag = world.office.patch(path, json={"confidence": 0.5})
    stale = world.office.patch(path, json={"confidence": 0.5}, headers={"If-Match": '"1"'})
    on_path = world.office.patch(
        path, json={"path": ["clinics", "control", "admissions"]}, headers={"If-Match": "*"}
    )

    assert off_model.status_code == removed.status_code == misspelt.status_code == 422
    assert off_model.json()["errors"][0]["field"] == "edge"
    assert removed.json()["errors"][0]["field"] == "indicator"
    assert no_etag.status_code == 428
    assert stale.status_code == 412
    assert on_path.status_code == 200, on_path.text
    assert on_path.json()["edge"] is None
    assert world.office.get(path).json()["path"] == ["clinics", "control", "admissions"]


def test_cost_lines_one_at_a_time(world: World) -> None:
    bid = world.draft_bid()
    url = f"/v1/bids/{bid['id']}/cost-lines"

    created = world.office.post(url, json=nurse_costs())
    line = created.json()
    patched = world.office.patch(
        f"{url}/{line['id']}",
        json={"flows": [{"year": 2017, "amount": 1000}], "confidence_grade": None},
        headers={"If-Match": created.headers["ETag"]},
    )
    bad_year = world.office.patch(
        f"{url}/{line['id']}",
        json={"flows": [{"year": 1800, "amount": 1}]},
        headers={"If-Match": "*"},
    )
    with_id = world.office.post(url, json={**nurse_costs(), "id": line["id"]})
    listed = world.office.get(url, params={"total": "true"}).json()

    assert created.status_code == 201
    assert created.headers["Location"] == f"{url}/{line['id']}"
    assert patched.status_code == 200, patched.text
    assert patched.json()["flows"] == [{"year": 2017, "amount": 1000}]
    assert patched.json()["confidence_grade"] is None
    assert patched.json()["name"] == nurse_costs()["name"]
    assert bad_year.status_code == with_id.status_code == 422
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == line["id"]
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["cost_lines"] == [patched.json()]


def test_only_a_draft_edits_its_hypotheses_and_cost_lines(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"
    (hypothesis,) = world.office.get(f"{url}/hypotheses").json()["items"]
    (line,) = bid["cost_lines"]
    everything = {"If-Match": "*"}

    answers = [
        world.office.patch(f"{url}/hypotheses/{hypothesis['id']}", json={}, headers=everything),
        world.office.request("DELETE", f"{url}/hypotheses/{hypothesis['id']}", headers=everything),
        world.office.post(f"{url}/cost-lines", json=hub_costs()),
        world.office.patch(f"{url}/cost-lines/{line['id']}", json={}, headers=everything),
        world.office.request("DELETE", f"{url}/cost-lines/{line['id']}", headers=everything),
    ]

    assert [a.status_code for a in answers] == [409] * 5


def test_another_footprint_finds_neither_hypotheses_nor_cost_lines(world: World) -> None:
    bid = world.draft_bid(cost_lines=[nurse_costs()])
    url = f"/v1/bids/{bid['id']}"
    world.office.put(f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"})
    hypothesis = world.office.created(f"{url}/hypotheses", hypothesis_body())
    (line,) = bid["cost_lines"]
    h_url, c_url = f"{url}/hypotheses/{hypothesis['id']}", f"{url}/cost-lines/{line['id']}"
    everything = {"If-Match": "*"}

    for caller in (world.other_office, world.assessor, world.integration):
        answers = [
            caller.get(h_url),
            caller.patch(h_url, json={"confidence": 0.1}, headers=everything),
            caller.request("DELETE", h_url, headers=everything),
            caller.get(f"{url}/cost-lines"),
            caller.get(c_url),
            caller.post(f"{url}/cost-lines", json=hub_costs()),
            caller.patch(c_url, json={"name": "Mine"}, headers=everything),
            caller.request("DELETE", c_url, headers=everything),
        ]
        assert [a.status_code for a in answers] == [404] * 8
    assert world.office.get(h_url).json()["confidence"] == 0.7
    assert world.office.get(c_url).json() == line


def test_a_panel_member_who_sees_the_bid_may_not_edit_it(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"
    (line,) = bid["cost_lines"]

    refused = world.chair.patch(
        f"{url}/cost-lines/{line['id']}", json={"name": "Chair's"}, headers={"If-Match": "*"}
    )

    assert world.chair.get(f"{url}/cost-lines/{line['id']}").status_code == 200
    assert refused.status_code == 403
