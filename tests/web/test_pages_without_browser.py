"""The round and bid pages over plain HTTP, on every database the suite runs on: a draft with
nothing drawn yet, a round not ranked yet, and the chair's forms refused without their token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.schemas.keys import Role
from tests.web.test_session import browser, key_of, sign_in

__all__ = ["browser"]


def api(client: TestClient, key: str, method: str, path: str, body: object) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}", "If-Match": "*"}
    answer = client.request(method, path, json=body, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    data: dict[str, str] = answer.json()
    return data


@dataclass(frozen=True)
class OpenRound:
    id: str
    admin: str
    office: str


@pytest.fixture
def open_round(client: TestClient, engine: Engine) -> OpenRound:
    """An open round, an administrator's key and a footprint's programme-office key."""
    admin, _ = key_of(engine, Role.ADMIN)
    footprint = api(
        client, admin, "POST", "/v1/footprints", {"code": "PG1", "name": "Pages", "population": 1}
    )
    round_ = api(
        client, admin, "POST", "/v1/rounds", {"name": "Pages round", "programme_areas": ["cancer"]}
    )
    api(client, admin, "PATCH", f"/v1/rounds/{round_['id']}", {"status": "open"})
    office = api(
        client,
        admin,
        "POST",
        "/v1/api-keys",
        {"role": "programme_office", "name": "pages office", "footprint_id": footprint["id"]},
    )
    return OpenRound(round_["id"], admin, office["key"])


def test_a_draft_with_no_logic_model_or_costs_says_what_it_lacks(
    client: TestClient, browser: TestClient, open_round: OpenRound
) -> None:
    body = {"round_id": open_round.id, "title": "Empty draft", "programme_area": "cancer"}
    bid = api(client, open_round.office, "POST", "/v1/bids", body)
    sign_in(browser, open_round.office)

    page = browser.get(f"/app/bids/{bid['id']}")

    assert page.status_code == 200
    assert "The bid has no logic model yet." in page.text
    assert "data-logic-model" not in page.text
    assert "Nothing can be appraised yet." in page.text
    assert 'id="benefits-section"' not in page.text


def test_an_open_round_is_not_ranked_yet_and_has_no_forms(
    browser: TestClient, open_round: OpenRound
) -> None:
    sign_in(browser, open_round.admin)

    page = browser.get(f"/app/rounds/{open_round.id}")

    assert page.status_code == 200
    assert "The ranking appears once the round is closed" in page.text
    assert '<form action="/app/rounds/' not in page.text


def test_the_chairs_forms_are_refused_without_the_form_token(
    client: TestClient, browser: TestClient, open_round: OpenRound
) -> None:
    body = {"role": "chair", "name": "pages chair", "round_id": open_round.id}
    chair = api(client, open_round.admin, "POST", "/v1/api-keys", body)
    sign_in(browser, chair["key"])

    for form in ("moderations", "portfolio", "decisions"):
        path = f"/app/rounds/{open_round.id}/{form}"
        answer = browser.post(path, data={"csrf_token": "forged"})
        assert answer.status_code == 403, form
