"""Bids over HTTP: drafting, optimistic concurrency, and the lifecycle with its versions."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.tables import BidPartner, BidVersion
from tests.app.conftest import World, good_logic_model, hypothesis_body, nurse_costs


def test_a_programme_office_drafts_a_bid_for_its_own_footprint(world: World) -> None:
    bid = world.draft_bid()

    assert bid["status"] == "draft"
    assert bid["version"] == 1
    assert bid["footprint_id"] == world.footprint["id"]
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["title"] == "Diabetes nurses"


def test_patch_needs_the_current_etag_so_no_update_is_lost(world: World) -> None:
    bid = world.draft_bid()
    url = f"/v1/bids/{bid['id']}"
    etag = world.office.get(url).headers["ETag"]

    first = world.office.patch(url, json={"title": "First"}, headers={"If-Match": etag})
    stale = world.office.patch(url, json={"title": "Second"}, headers={"If-Match": etag})
    missing = world.office.patch(url, json={"title": "Third"})

    assert first.status_code == 200
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:bpv:problem:precondition-failed"
    assert missing.status_code == 428
    assert world.office.get(url).json()["title"] == "First"


def test_submission_freezes_the_version_and_revision_opens_a_new_one(world: World) -> None:
    bid = world.submitted_bid()
    url = f"/v1/bids/{bid['id']}"

    frozen = world.office.patch(url, json={"title": "Changed"}, headers={"If-Match": "*"})
    revised = world.office.post(f"{url}/revise")
    edited = world.office.patch(url, json={"title": "Revised title"}, headers={"If-Match": "*"})
    versions = world.office.get(f"{url}/versions").json()

    assert frozen.status_code == 409
    assert revised.json()["status"] == "draft"
    assert revised.json()["version"] == 2
    assert edited.status_code == 200
    assert [v["title"] for v in versions["items"]] == ["Diabetes nurses", "Revised title"]
    assert versions["items"][0]["submitted_at"] is not None
    assert len(versions["items"][0]["hypotheses"]) == 1
    assert versions["items"][1]["logic_model"] == versions["items"][0]["logic_model"]


def test_a_logic_model_with_errors_blocks_submission(world: World) -> None:
    bid = world.draft_bid()
    model = good_logic_model()
    model["edges"].append({"source": "admissions", "target": "funding"})
    world.office.put(f"/v1/bids/{bid['id']}/logic-model", json=model, headers={"If-Match": "*"})

    response = world.office.post(f"/v1/bids/{bid['id']}/submit")

    assert response.status_code == 409
    codes = {f["code"] for f in response.json()["findings"]}
    assert codes & {"cycle", "backward_edge"}
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["status"] == "draft"


def sound_bid(world: World, **fields: object) -> str:
    """A drafted bid with a sound logic model and a hypothesis: only its costs may be missing."""
    bid = world.draft_bid(**fields)
    url = f"/v1/bids/{bid['id']}"
    world.office.put(f"{url}/logic-model", json=good_logic_model(), headers={"If-Match": "*"})
    world.office.created(f"{url}/hypotheses", hypothesis_body())
    return url


@pytest.mark.parametrize(
    ("cost_lines", "message"),
    [
        ([], "The bid has no cost lines: add its costs (cost_lines) before submitting"),
        (
            [{**nurse_costs(), "flows": [{"year": 2017, "amount": 0}]}],
            "Every amount of the bid's cost lines is 0: give its costs before submitting",
        ),
    ],
)
def test_a_bid_without_costs_cannot_be_submitted(
    world: World, cost_lines: list[dict[str, object]], message: str
) -> None:
    url = sound_bid(world, cost_lines=cost_lines)

    response = world.office.post(f"{url}/submit")

    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "urn:bpv:problem:conflict"
    assert "cost_lines" in problem["detail"]
    assert problem["findings"] == [
        {"code": "no_cost_lines", "severity": "error", "message": message, "nodes": [], "edges": []}
    ]
    assert world.office.get(url).json()["status"] == "draft"


def test_costs_and_logic_model_errors_are_reported_together(world: World) -> None:
    url = sound_bid(world)
    model = good_logic_model()
    model["edges"].append({"source": "admissions", "target": "funding"})
    world.office.put(f"{url}/logic-model", json=model, headers={"If-Match": "*"})

    response = world.office.post(f"{url}/submit")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Submission is blocked: the logic model has errors and the bid has no costs (cost_lines)."
    )
    codes = [f["code"] for f in response.json()["findings"]]
    assert codes[-1] == "no_cost_lines"
    assert {"cycle", "backward_edge"} & set(codes)


def test_adding_cost_lines_unblocks_submission(world: World) -> None:
    url = sound_bid(world)
    assert world.office.post(f"{url}/submit").status_code == 409

    world.office.patch(url, json={"cost_lines": [nurse_costs()]}, headers={"If-Match": "*"})
    submitted = world.office.post(f"{url}/submit")

    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"


def test_hypothesis_warnings_show_among_the_findings_and_do_not_block(world: World) -> None:
    url = sound_bid(world, cost_lines=[nurse_costs()])
    rising = hypothesis_body(
        edge={"source": "clinics", "target": "control"},
        trajectory=[{"date": "2018-03-31", "value": 1300}],
    )
    world.office.created(f"{url}/hypotheses", rising)

    findings = world.office.get(f"{url}/logic-model/findings").json()["findings"]
    submitted = world.office.post(f"{url}/submit")

    assert [(f["code"], f["severity"], f["nodes"], f["edges"]) for f in findings] == [
        (
            "indicator_not_on_target",
            "warning",
            ["control"],
            [{"source": "clinics", "target": "control"}],
        ),
        (
            "trajectory_against_direction",
            "warning",
            ["clinics", "control"],
            [{"source": "clinics", "target": "control"}],
        ),
    ]
    assert submitted.status_code == 200


def test_withdrawal_is_allowed_before_a_decision_only_once(world: World) -> None:
    bid = world.submitted_bid()

    first = world.office.post(f"/v1/bids/{bid['id']}/withdraw")
    second = world.office.post(f"/v1/bids/{bid['id']}/withdraw")

    assert first.json()["status"] == "withdrawn"
    assert second.status_code == 409


def test_bids_list_filters_and_paginates(world: World) -> None:
    for n in range(3):
        world.draft_bid(title=f"Bid {n}")
    world.submitted_bid()

    page = world.office.get("/v1/bids", params={"limit": 2, "offset": 0, "total": "true"}).json()
    drafts = world.office.get("/v1/bids", params={"status": "draft", "total": "true"}).json()

    assert page["total"] == 4
    assert len(page["items"]) == 2
    assert drafts["total"] == 3


def test_a_hypothesis_on_a_missing_edge_is_refused_naming_the_field(world: World) -> None:
    bid = world.draft_bid()
    world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )

    response = world.office.post(
        f"/v1/bids/{bid['id']}/hypotheses",
        json=hypothesis_body(edge={"source": "funding", "target": "admissions"}),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "edge"
    assert (
        world.office.get(f"/v1/bids/{bid['id']}/hypotheses", params={"total": "true"}).json()[
            "total"
        ]
        == 0
    )


def test_partner_organisations_are_rows_kept_per_version(world: World, engine: Engine) -> None:
    def organisation(code: str) -> str:
        body = {
            "code": code,
            "name": f"Organisation {code}",
            "kind": "trust",
            "footprint_ids": [world.footprint["id"]],
        }
        return str(world.admin.created("/v1/organisations", body)["id"])

    first, second = organisation("RA1"), organisation("RA2")
    bid = world.draft_bid(partner_ids=[first, second])
    world.office.patch(
        f"/v1/bids/{bid['id']}", json={"partner_ids": [second]}, headers={"If-Match": "*"}
    )
    repeated = world.office.patch(
        f"/v1/bids/{bid['id']}", json={"partner_ids": [first, first]}, headers={"If-Match": "*"}
    )

    assert bid["partner_ids"] == [first, second]
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["partner_ids"] == [second]
    assert repeated.status_code == 422
    assert repeated.json()["errors"][0]["field"] == "partner_ids[1]"
    with Session(engine) as session:
        rows = session.scalars(select(BidPartner)).all()
        versions = session.scalars(select(BidVersion)).all()
    assert [str(row.organisation_id) for row in rows] == [second]
    assert all("partner_ids" not in version.content for version in versions)
