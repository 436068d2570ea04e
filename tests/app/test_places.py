"""Footprints and organisations: places overlap, so an organisation may belong to several."""

from __future__ import annotations

import uuid

from tests.app.conftest import Caller


def test_an_organisation_can_belong_to_several_footprints(admin: Caller) -> None:
    north = admin.created("/v1/footprints", {"code": "QHM", "name": "North", "population": 10})
    south = admin.created("/v1/footprints", {"code": "QWE", "name": "South", "population": 20})

    trust = admin.created(
        "/v1/organisations",
        {
            "code": "RHQ",
            "name": "Ambulance trust",
            "kind": "trust",
            "footprint_ids": [north["id"], south["id"]],
        },
    )
    in_south = admin.get("/v1/organisations", params={"footprint_id": south["id"]}).json()

    assert sorted(trust["footprint_ids"]) == sorted([north["id"], south["id"]])
    assert [o["code"] for o in in_south["items"]] == ["RHQ"]


def test_codes_are_unique(admin: Caller) -> None:
    body = {"code": "QHM", "name": "North", "population": 10}
    admin.created("/v1/footprints", body)

    again = admin.post("/v1/footprints", json=body)

    assert again.status_code == 409
    assert again.json()["type"] == "urn:bpv:problem:conflict"
    assert admin.get("/v1/footprints?total=true").json()["total"] == 1


def test_an_organisation_in_an_unknown_footprint_is_refused(admin: Caller) -> None:
    response = admin.post(
        "/v1/organisations",
        json={
            "code": "X1",
            "name": "Nowhere CCG",
            "kind": "ccg",
            "footprint_ids": [str(uuid.uuid4())],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "footprint_ids[0]"
    assert admin.get("/v1/organisations?total=true").json()["total"] == 0


def test_footprints_list_in_code_order_and_paginates(admin: Caller) -> None:
    for code in ("QZZ", "QAA", "QMM"):
        admin.created("/v1/footprints", {"code": code, "name": code, "population": 1})

    first = admin.get("/v1/footprints", params={"limit": 2, "total": "true"}).json()
    rest = admin.get("/v1/footprints", params={"limit": 2, "offset": 2}).json()
    after = admin.get("/v1/footprints", params={"limit": 2, "cursor": first["next_cursor"]})

    assert [f["code"] for f in first["items"] + rest["items"]] == ["QAA", "QMM", "QZZ"]
    assert after.json()["items"] == rest["items"]
    assert first["total"] == 3
    assert rest["total"] is None and rest["next_cursor"] is None


def test_healthz_reports_the_database(admin: Caller) -> None:
    assert admin.client.get("/healthz").json() == {"status": "ok", "database": "up"}
