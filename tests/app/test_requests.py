"""A request says exactly what it means, or it is refused with a problem that says how to fix it."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import app.routers
from app.strict_route import StrictRoute
from tests.app.conftest import Caller, World

FOOTPRINT = b'{"code": "QWE", "name": "South Yorkshire and Bassetlaw", "population": 1500000}'


def footprints(admin: Caller) -> int:
    total: int = admin.get("/v1/footprints?total=true").json()["total"]
    return total


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_body_that_is_not_declared_json_is_refused_with_the_type_to_send(
    admin: Caller, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}

    response = admin.post("/v1/footprints", content=FOOTPRINT, headers=headers)

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:bpv:problem:unsupported-media-type"
    assert "Content-Type: application/json" in problem["detail"]
    assert response.headers["Accept-Post"] == "application/json"
    assert footprints(admin) == 0


def test_json_with_a_charset_or_a_json_suffix_is_json(admin: Caller) -> None:
    for index, content_type in enumerate(
        ["application/json; charset=utf-8", "application/merge-patch+json"]
    ):
        body = FOOTPRINT.replace(b"QWE", f"QW{index}".encode())
        response = admin.post(
            "/v1/footprints", content=body, headers={"Content-Type": content_type}
        )
        assert response.status_code == 201, response.text


def test_malformed_json_names_the_line_and_column(admin: Caller) -> None:
    body = b'{"code": "QWE",\n "name": "South Yorkshire" "population": 1500000}'

    response = admin.post(
        "/v1/footprints", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:bpv:problem:malformed-json"
    assert (problem["line"], problem["column"]) == (2, 28)
    assert "line 2, column 28" in problem["detail"]


def test_a_key_given_twice_in_one_object_is_refused_by_name(admin: Caller) -> None:
    body = b'{"code": "QWE", "name": "A", "population": 1, "population": 2}'

    response = admin.post(
        "/v1/footprints", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "population",
            "location": "body",
            "message": "appears more than once in the same object",
            "type": "duplicate_key",
        }
    ]
    assert footprints(admin) == 0


def test_an_unknown_query_parameter_is_refused_as_an_unknown_field_is(world: World) -> None:
    response = world.office.get("/v1/bids", params={"round": world.round["id"], "limit": 5})

    assert response.status_code == 422
    problem = response.json()
    assert [(e["field"], e["location"]) for e in problem["errors"]] == [("round", "query")]
    assert "round_id" in problem["detail"]  # it says what the operation does take


def test_a_trailing_slash_is_not_redirected(admin: Caller) -> None:
    response = admin.post(
        "/v1/footprints/",
        content=FOOTPRINT,
        headers={"Content-Type": "application/json"},
        follow_redirects=False,
    )

    assert response.status_code == 404
    assert "trailing slash" in response.json()["detail"]
    assert footprints(admin) == 0


def etag_of(caller: Caller, bid: dict[str, Any]) -> str:
    etag: str = caller.get(f"/v1/bids/{bid['id']}").headers["ETag"]
    return etag


def test_an_unquoted_etag_says_how_to_quote_it(world: World) -> None:
    bid = world.draft_bid()
    unquoted = etag_of(world.office, bid).strip('"')

    response = world.office.patch(
        f"/v1/bids/{bid['id']}", json={"title": "Renamed"}, headers={"If-Match": unquoted}
    )

    assert response.status_code == 400
    assert f'If-Match: "{unquoted}"' in response.json()["detail"]
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["title"] == "Diabetes nurses"


def test_quoted_and_weak_etags_still_match(world: World) -> None:
    bid = world.draft_bid()
    for weak in ("", "W/"):
        tag = weak + etag_of(world.office, bid)
        response = world.office.patch(
            f"/v1/bids/{bid['id']}", json={"title": f"Renamed {tag}"}, headers={"If-Match": tag}
        )
        assert response.status_code == 200, response.text


def test_every_operation_is_served_by_the_strict_route() -> None:
    modules = [
        importlib.import_module(f"app.routers.{info.name}")
        for info in pkgutil.iter_modules(app.routers.__path__)
    ]
    routes = [route for module in modules for route in module.router.routes]

    assert len(routes) > 20
    assert [r.path for r in routes if not isinstance(r, StrictRoute)] == []


def test_a_whole_number_written_with_a_decimal_point_is_an_integer(admin: Caller) -> None:
    accepted = admin.post(
        "/v1/footprints", json={"code": "QWE", "name": "South Yorkshire", "population": 1.5e6}
    )
    refused = [
        admin.post("/v1/footprints", json={"code": "QHM", "name": "Cumbria", "population": value})
        for value in (1.5, True, "1500000")
    ]

    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["population"] == 1_500_000
    assert [r.status_code for r in refused] == [422, 422, 422]
    assert footprints(admin) == 1


def test_a_write_that_must_be_conditional_is_documented_so_and_answers_428(
    world: World, client: Any
) -> None:
    bid = world.draft_bid()

    response = world.office.patch(f"/v1/bids/{bid['id']}", json={"title": "Renamed"})

    assert response.status_code == 428
    assert response.json()["type"] == "urn:bpv:problem:precondition-required"
    operations = client.app.openapi()["paths"]
    for path, method in [
        ("/v1/bids/{bid_id}", "patch"),
        ("/v1/bids/{bid_id}/logic-model", "put"),
        ("/v1/rounds/{round_id}", "patch"),
    ]:
        (if_match,) = [p for p in operations[path][method]["parameters"] if p["name"] == "If-Match"]
        assert if_match["required"] is True
        assert "428" in operations[path][method]["responses"]


def test_every_operation_has_a_summary_and_a_description(client: Any) -> None:
    operations = [
        (method, path, operation)
        for path, methods in client.app.openapi()["paths"].items()
        for method, operation in methods.items()
    ]

    undocumented = [
        f"{method.upper()} {path}"
        for method, path, operation in operations
        if not operation.get("summary") or not operation.get("description")
    ]
    assert len(operations) > 20
    assert undocumented == []
