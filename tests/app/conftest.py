"""API test fixtures: callers holding keys of each role, and a small world to act in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.schemas.keys import Role
from app.services.keys import issue_key
from tests.conftest import SECRET


@dataclass
class Caller:
    """An API client that sends one key with every request."""

    client: TestClient
    key: str

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(path, json=body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
def admin(client: TestClient, engine: Engine) -> Caller:
    with Session(engine) as session, session.begin():
        key = issue_key(session, SECRET, Role.ADMIN, "test admin").key
    return Caller(client, key)


def good_logic_model() -> dict[str, Any]:
    """A complete delivery chain with no findings above info."""
    evidence = {"source": "NICE guideline NG28", "grade": "moderate"}

    def edge(source: str, target: str) -> dict[str, Any]:
        return {"source": source, "target": target, "rationale": "drives it", "evidence": evidence}

    indicator = {"name": "Emergency admissions", "unit": "admissions", "direction": "decrease"}
    return {
        "nodes": [
            {"key": "funding", "kind": "input", "label": "Transformation funding"},
            {"key": "hire", "kind": "activity", "label": "Recruit diabetes nurses"},
            {"key": "clinics", "kind": "output", "label": "Nurse-led clinics run"},
            {
                "key": "control",
                "kind": "outcome",
                "term": "short",
                "label": "Better HbA1c control",
                "indicators": [{"name": "HbA1c", "unit": "mmol/mol", "direction": "decrease"}],
            },
            {
                "key": "admissions",
                "kind": "impact",
                "label": "Fewer admissions",
                "indicators": [indicator],
            },
        ],
        "edges": [
            edge("funding", "hire"),
            edge("hire", "clinics"),
            edge("clinics", "control"),
            edge("control", "admissions"),
        ],
    }


def nurse_costs() -> dict[str, Any]:
    """A cost line: without one a bid cannot be submitted."""
    return {
        "name": "Diabetes specialist nurses",
        "kind": "revenue",
        "flows": [{"year": 2017, "amount": 120_000}, {"year": 2018, "amount": 120_000}],
        "confidence_grade": "moderate",
    }


def hypothesis_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "edge": {"source": "control", "target": "admissions"},
        "indicator": {
            "name": "Emergency admissions",
            "unit": "admissions",
            "direction": "decrease",
        },
        "baseline": {"value": 1200, "date": "2017-04-01"},
        "trajectory": [
            {"date": "2018-03-31", "value": 1100},
            {"date": "2019-03-31", "value": 1000},
        ],
        "rationale": "Better glycaemic control prevents crises that end in admission.",
        "evidence": {"source": "Cochrane review CD012345", "grade": "moderate"},
        "confidence": 0.7,
        "monetisation": {"value_per_unit": 1650, "benefit_type": "cash_releasing"},
        "additionality": {
            "deadweight": 0.1,
            "displacement": 0,
            "attribution": 0.2,
            "drop_off": 0.1,
        },
    }
    body.update(overrides)
    return body


@dataclass
class World:
    """Two footprints, an open round, and a key of every role."""

    admin: Caller
    footprint: dict[str, Any]
    other_footprint: dict[str, Any]
    round: dict[str, Any]
    other_round: dict[str, Any]
    office: Caller
    other_office: Caller
    assessor: Caller
    chair: Caller
    integration: Caller

    def draft_bid(self, caller: Caller | None = None, **fields: Any) -> dict[str, Any]:
        body = {
            "round_id": self.round["id"],
            "title": "Diabetes nurses",
            "programme_area": "diabetes",
        }
        body.update(fields)
        return (caller or self.office).created("/v1/bids", body)

    def submitted_bid(self, caller: Caller | None = None) -> dict[str, Any]:
        caller = caller or self.office
        bid = self.draft_bid(caller, cost_lines=[nurse_costs()])
        put = caller.put(
            f"/v1/bids/{bid['id']}/logic-model",
            json=good_logic_model(),
            headers={"If-Match": "*"},
        )
        assert put.status_code == 200, put.text
        caller.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())
        submitted = caller.post(f"/v1/bids/{bid['id']}/submit")
        assert submitted.status_code == 200, submitted.text
        result: dict[str, Any] = submitted.json()
        return result

    def reconfigure(self, config: dict[str, Any]) -> dict[str, Any]:
        """Make a new open round configured by `config` ({"settings": ..., "criteria": ...}) the
        world's round (a round's configuration is frozen once it opens). Settings keep base
        year 2017 unless they name their own."""
        settings = {"base_year": 2017, **config.get("settings", {})}
        body = {
            "name": "Reconfigured round",
            "programme_areas": self.round["programme_areas"],
            **config,
            "settings": settings,
        }
        self.round = self.admin.created("/v1/rounds", body)
        self.round = self.move_round("open")
        return self.round

    def key(self, role: str, **scope: str) -> Caller:
        """Another key of `role` (a new account), e.g. a second assessor on the round."""
        return _key(self.admin, role, **scope)

    def move_round(self, status: str, round_id: str | None = None) -> dict[str, Any]:
        """PATCH the round (the world's own by default) to `status`."""
        moved = self.admin.patch(
            f"/v1/rounds/{round_id or self.round['id']}",
            json={"status": status},
            headers={"If-Match": "*"},
        )
        assert moved.status_code == 200, moved.text
        result: dict[str, Any] = moved.json()
        return result


def _key(admin: Caller, role: str, **scope: str) -> Caller:
    body = {"role": role, "name": f"test {role}", **scope}
    return Caller(admin.client, admin.created("/v1/api-keys", body)["key"])


@pytest.fixture
def world(admin: Caller) -> World:
    footprint = admin.created(
        "/v1/footprints",
        {"code": "QWE", "name": "South Yorkshire and Bassetlaw", "population": 1_500_000},
    )
    other = admin.created(
        "/v1/footprints", {"code": "QHM", "name": "Cumbria and North East", "population": 3_000_000}
    )
    areas = ["diabetes", "mental health", "cancer"]
    # The bids of these tests run from 2017, so their rounds are appraised on that base year.
    settings = {"base_year": 2017}
    round_ = admin.created(
        "/v1/rounds",
        {"name": "Transformation 2017/18", "programme_areas": areas, "settings": settings},
    )
    other_round = admin.created(
        "/v1/rounds", {"name": "Other round", "programme_areas": areas, "settings": settings}
    )
    for r in (round_, other_round):
        opened = admin.patch(
            f"/v1/rounds/{r['id']}", json={"status": "open"}, headers={"If-Match": "*"}
        )
        assert opened.status_code == 200, opened.text
    return World(
        admin=admin,
        footprint=footprint,
        other_footprint=other,
        round=round_,
        other_round=other_round,
        office=_key(admin, "programme_office", footprint_id=footprint["id"]),
        other_office=_key(admin, "programme_office", footprint_id=other["id"]),
        assessor=_key(admin, "assessor", round_id=round_["id"]),
        chair=_key(admin, "chair", round_id=round_["id"]),
        integration=_key(admin, "integration", footprint_id=footprint["id"]),
    )
