"""Bad input gets a clear 4xx problem naming the field, and nothing half-written is stored."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from app.schemas.common import NAMED_TEXT
from tests.app.conftest import World, good_logic_model, hypothesis_body


def problem_fields(response: Any) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json().get("errors", [])}


def post_raw(world: World, path: str, raw: str) -> Any:
    return world.office.post(path, content=raw, headers={"Content-Type": "application/json"})


@pytest.fixture
def bid_with_model(world: World) -> dict[str, Any]:
    bid = world.draft_bid()
    put = world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert put.status_code == 200
    return bid


def hypotheses_stored(world: World, bid: dict[str, Any]) -> int:
    total: int = world.office.get(
        f"/v1/bids/{bid['id']}/hypotheses", params={"total": "true"}
    ).json()["total"]
    return total


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"additionality": {"deadwieght": 0.1}}, "additionality.deadwieght"),
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": -0.1}, "confidence"),
        (
            {
                "trajectory": [
                    {"date": "2019-03-31", "value": 1},
                    {"date": "2018-03-31", "value": 2},
                ]
            },
            "trajectory",
        ),
        ({"trajectory": [{"date": "2016-03-31", "value": 1}]}, "trajectory"),
        ({"edge": {"source": "funding", "target": "ghost"}}, "edge"),
        ({"path": ["funding", "hire", "control"], "edge": None}, "path"),
        ({"status": "confirmed"}, "status"),
        ({"indicator": {"name": "x\u0000y", "unit": "u", "direction": "up"}}, "indicator.name"),
    ],
)
def test_a_bad_hypothesis_is_refused_naming_the_field(
    world: World, bid_with_model: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    response = world.office.post(
        f"/v1/bids/{bid_with_model['id']}/hypotheses", json=hypothesis_body(**change)
    )

    assert response.status_code == 422
    assert response.json()["type"] == "urn:bpv:problem:validation-error"
    assert field in problem_fields(response)
    assert hypotheses_stored(world, bid_with_model) == 0


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (
            '{"title": "NaN", "round_id": "%s", "programme_area": "diabetes", "cost_lines": '
            '[{"name": "n", "kind": "revenue", "flows": [{"year": 2017, "amount": NaN}]}]}',
            "cost_lines[0].flows[0].amount",
        ),
        (
            '{"title": "Inf", "round_id": "%s", "programme_area": "diabetes", "cost_lines": '
            '[{"name": "n", "kind": "revenue", "flows": [{"year": 2017, "amount": Infinity}]}]}',
            "cost_lines[0].flows[0].amount",
        ),
        (
            '{"title": "big", "round_id": "%s", "programme_area": "diabetes", "requested_funding": '
            '[{"year": 123456789012345678901234567890, "amount": 1}]}',
            "requested_funding[0].year",
        ),
        ('{"title": "\\ud800 lone", "round_id": "%s", "programme_area": "diabetes"}', "title"),
        ('{"title": "nul \\u0000", "round_id": "%s", "programme_area": "diabetes"}', "title"),
        (
            '{"title": "t", "round_id": "%s", "programme_area": "diabetes", "status": "approved"}',
            "status",
        ),
        ('{"title": "t", "round_id": "%s", "programme_area": "diabetes", "version": 7}', "version"),
        ('{"title": "t", "round_id": "%s", "programme_area": "knitting"}', "programme_area"),
    ],
)
def test_inputs_that_crash_services_elsewhere_get_422(world: World, raw: str, field: str) -> None:
    response = post_raw(world, "/v1/bids", raw % world.round["id"])

    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert world.office.get("/v1/bids?total=true").json()["total"] == 0


def test_deeply_nested_json_is_a_client_error(world: World) -> None:
    response = post_raw(world, "/v1/bids", "[" * 100_000 + "]" * 100_000)

    assert response.status_code in {400, 422}
    assert response.headers["content-type"] == "application/problem+json"


def test_a_body_over_the_limit_gets_413(world: World) -> None:
    model = good_logic_model()
    model["nodes"][0]["description"] = "x" * 9_000
    model["nodes"] = [dict(model["nodes"][0], key=f"n{i}") for i in range(200)]

    response = world.office.put(
        f"/v1/bids/{world.draft_bid()['id']}/logic-model",
        content=json.dumps(model),
        headers={"If-Match": "*", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["type"] == "urn:bpv:problem:payload-too-large"


def test_a_failed_logic_model_put_leaves_the_stored_model_unchanged(
    world: World, bid_with_model: dict[str, Any]
) -> None:
    url = f"/v1/bids/{bid_with_model['id']}/logic-model"
    broken = good_logic_model()
    broken["nodes"][1]["kind"] = "wish"

    response = world.office.put(url, json=broken, headers={"If-Match": "*"})

    assert response.status_code == 422
    assert "nodes[1].kind" in problem_fields(response)
    assert world.office.get(url).json()["nodes"][1]["kind"] == "activity"


def test_malformed_ids_in_the_path_are_422_not_500(world: World) -> None:
    response = world.office.get("/v1/bids/not-a-uuid")

    assert response.status_code == 422
    assert "bid_id" in problem_fields(response)


@pytest.mark.parametrize("blank", ["   ", "\u0085", "\u2003\u00a0", "\t\u3000"])
def test_a_name_of_spaces_alone_is_refused_and_the_schema_says_so(world: World, blank: str) -> None:
    response = world.admin.post("/v1/rounds", json={"name": blank, "programme_areas": ["x"]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert re.fullmatch(NAMED_TEXT, blank) is None  # what the OpenAPI pattern says too


def test_a_name_the_server_keeps_is_one_the_schema_allows(world: World) -> None:
    for kept in ["\u001c", "\ufeff", "x\u0085"]:
        response = world.admin.post("/v1/rounds", json={"name": kept, "programme_areas": ["x"]})

        assert response.status_code == 201, (kept, response.text)
        assert re.fullmatch(NAMED_TEXT, kept) is not None
