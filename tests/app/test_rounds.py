"""Rounds over HTTP: their envelope, versioned criteria framework, appraisal settings, timeline."""

from __future__ import annotations

from typing import Any

import pytest

from app import translate
from app.schemas.appraisals import QualityWeightsIn
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body

AREAS = ["diabetes", "cancer"]


def criterion(key: str, weight: float, **fields: Any) -> dict[str, Any]:
    body = {"key": key, "name": key.title(), "weight": weight, "scale": {"min": 0, "max": 10}}
    body.update(fields)
    return body


CRITERIA = [
    criterion("need", 0.6),
    criterion("confidence", 0.4, source="computed"),
]


def problem_fields(response: Any) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json().get("errors", [])}


def patch(admin: Caller, round_: dict[str, Any], body: dict[str, Any]) -> Any:
    return admin.patch(f"/v1/rounds/{round_['id']}", json=body, headers={"If-Match": "*"})


def test_a_new_round_states_its_defaults(admin: Caller) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})

    assert round_["criteria_version"] == 1
    assert sum(c["weight"] for c in round_["criteria"]) == pytest.approx(1)
    assert {c["key"] for c in round_["criteria"] if c["source"] == "computed"} == {
        "logic_model_quality",
        "evidence_strength",
        "confidence",
    }
    assert round_["settings_version"] == 1
    settings = round_["settings"]
    assert settings["base_year"] is None
    assert settings["discounting"] == {"schedule": "green_book", "rate": None}
    assert settings["value_per_qaly"] == 60_000
    assert settings["confidence_weighted"] is False
    assert settings["value"]["quality_weight"] == settings["value"]["return_weight"] == 0.5
    assert [band["name"] for band in settings["value"]["bcr_bands"]] == [
        "poor",
        "low",
        "medium",
        "high",
        "very_high",
    ]
    assert settings["monte_carlo"] is None
    assert settings["value_per_qaly_uncertainty"] is None
    assert settings["evidence_strength"] == {
        "high": 1.0,
        "moderate": pytest.approx(2 / 3),
        "low": pytest.approx(1 / 3),
        "very_low": 0.0,
    }
    assert settings["quality_weights"] == {
        "chain_completeness": 0.375,
        "indicator_coverage": 0.25,
        "evidence_coverage": 0.125,
        "rationale_coverage": 0.125,
        "stage_continuity": 0.125,
    }
    assert settings["disagreement_tolerance"] == 0.2
    assert round_["envelope"] is None
    assert round_["timeline"] is None


def test_a_round_is_created_with_its_envelope_criteria_settings_and_timeline(
    admin: Caller,
) -> None:
    body = {
        "name": "2017/18",
        "programme_areas": AREAS,
        "envelope": {"total": 1_000_000, "by_year": {"2017": 600_000, "2018": 400_000}},
        "criteria": CRITERIA,
        "settings": {
            "base_year": 2017,
            "discounting": {"schedule": "flat", "rate": 0.035},
            "value_per_qaly": 30_000,
            "optimism_bias_table": {"high": 0.1, "low": 0.4},
            "confidence_weighted": True,
            "value": {"quality_weight": 0.7, "return_weight": 0.3},
        },
        "timeline": {"opens": "2017-04-01", "closes": "2017-06-30", "decisions": "2017-09-30"},
    }

    created = admin.created("/v1/rounds", body)
    fetched = admin.get(f"/v1/rounds/{created['id']}").json()

    assert fetched == created
    assert created["envelope"] == body["envelope"]
    assert [c["key"] for c in created["criteria"]] == ["need", "confidence"]
    assert created["criteria"][0]["source"] == "assessor"
    assert created["settings"]["discounting"] == {"schedule": "flat", "rate": 0.035}
    assert created["settings"]["optimism_bias_table"] == {"high": 0.1, "low": 0.4}
    assert created["settings"]["value"]["quality_weight"] == 0.7
    assert created["timeline"]["closes"] == "2017-06-30"


def test_criteria_whose_weights_do_not_sum_to_1_are_refused_and_the_round_kept(
    admin: Caller,
) -> None:
    round_ = admin.created(
        "/v1/rounds", {"name": "2017/18", "programme_areas": AREAS, "criteria": CRITERIA}
    )
    bad = [criterion("need", 0.6), criterion("confidence", 0.3, source="computed")]

    response = patch(admin, round_, {"criteria": bad, "name": "Renamed"})

    assert response.status_code == 422
    assert problem_fields(response) == {"criteria"}
    after = admin.get(f"/v1/rounds/{round_['id']}").json()
    assert after == round_


def test_a_round_with_bad_criteria_is_not_created(admin: Caller) -> None:
    bad = [criterion("need", 0.5)]

    response = admin.post(
        "/v1/rounds", json={"name": "2017/18", "programme_areas": AREAS, "criteria": bad}
    )

    assert response.status_code == 422
    assert problem_fields(response) == {"criteria"}
    assert admin.get("/v1/rounds?total=true").json()["total"] == 0


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ([criterion("magic", 1.0, source="computed")], "criteria[0].measure"),
        ([criterion("need", 1.0, source="computed", measure="magic")], "criteria[0].measure"),
        ([criterion("need", 1.0, measure="bcr_band")], "criteria[0].measure"),
        ([criterion("need", 0.5), criterion("need", 0.5)], "criteria[1].key"),
        ([criterion("need", 1.0, scale={"min": 5, "max": 5})], "criteria[0].scale"),
        ([criterion("need", 1.5)], "criteria[0].weight"),
        ([], "criteria"),
    ],
)
def test_a_bad_criterion_is_refused_naming_it(
    admin: Caller, criteria: list[dict[str, Any]], field: str
) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})

    response = patch(admin, round_, {"criteria": criteria})

    assert response.status_code == 422
    assert field in problem_fields(response)
    assert admin.get(f"/v1/rounds/{round_['id']}").json() == round_


def test_the_framework_version_rises_only_when_the_criteria_change(admin: Caller) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})

    changed = patch(admin, round_, {"criteria": CRITERIA}).json()
    same_again = patch(admin, round_, {"criteria": CRITERIA}).json()
    settings_only = patch(admin, round_, {"settings": {"value_per_qaly": 20_000}}).json()
    reweighted = patch(
        admin, round_, {"criteria": [criterion("need", 0.5), CRITERIA[1] | {"weight": 0.5}]}
    ).json()

    assert changed["criteria_version"] == 2
    assert same_again["criteria_version"] == 2
    assert settings_only["criteria_version"] == 2
    assert settings_only["settings"]["value_per_qaly"] == 20_000
    assert settings_only["criteria"] == changed["criteria"]
    assert reweighted["criteria_version"] == 3
    assert reweighted["settings"]["value_per_qaly"] == 20_000


def test_a_client_cannot_set_the_framework_version(admin: Caller) -> None:
    response = admin.post(
        "/v1/rounds", json={"name": "x", "programme_areas": AREAS, "criteria_version": 7}
    )

    assert response.status_code == 422
    assert problem_fields(response) == {"criteria_version"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"settings": {"discounting": {"schedule": "flat"}}}, "settings.discounting.rate"),
        (
            {"settings": {"discounting": {"schedule": "flat", "rate": 1}}},
            "settings.discounting.rate",
        ),
        ({"settings": {"value": {"quality_weight": 0.6, "return_weight": 0.6}}}, "settings.value"),
        ({"settings": {"optimism_bias_table": {"middling": 0.2}}}, "settings.optimism_bias_table"),
        ({"settings": {"value_per_qaly": -1}}, "settings.value_per_qaly"),
        ({"settings": {"base_year": 1800}}, "settings.base_year"),
        ({"settings": {"monte_carlo": {"samples": 200_001}}}, "settings.monte_carlo.samples"),
        (
            {"settings": {"quality_weights": {"chain_completeness": 0.5}}},
            "settings.quality_weights",
        ),
        ({"settings": {"evidence_strength": {"high": 1.5}}}, "settings.evidence_strength.high"),
        ({"settings": {"disagreement_tolerance": 2}}, "settings.disagreement_tolerance"),
        (
            {
                "settings": {
                    "value_per_qaly": 0,
                    "value_per_qaly_uncertainty": {"kind": "uniform", "low": 0, "high": 1},
                }
            },
            "settings.value_per_qaly_uncertainty",
        ),
        (
            {
                "settings": {
                    "monte_carlo": {"cost_uncertainty": {"kind": "uniform", "low": 2, "high": 1}}
                }
            },
            "settings.monte_carlo.cost_uncertainty.low",
        ),
        (
            {"settings": {"value": {"bcr_bands": [{"name": "a", "lower": None, "value": 2}]}}},
            "settings.value.bcr_bands[0].value",
        ),
        ({"settings": {"value_per_qualy": 1}}, "settings.value_per_qualy"),
        ({"envelope": {"total": -5}}, "envelope.total"),
        ({"envelope": {"by_year": {"1800": 5}}}, "envelope.by_year.1800.[key]"),
        ({"envelope": {"by_year": {"2017/18": 5}}}, "envelope.by_year.2017/18.[key]"),
        ({"timeline": {"opens": "2018-01-01", "closes": "2017-01-01"}}, "timeline"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    admin: Caller, change: dict[str, Any], field: str
) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})

    response = patch(admin, round_, change)

    assert response.status_code == 422, response.text
    assert any(f.startswith(field) for f in problem_fields(response)), problem_fields(response)
    assert admin.get(f"/v1/rounds/{round_['id']}").json() == round_


def test_only_an_administrator_sets_a_rounds_criteria(world: World) -> None:
    response = world.office.patch(
        f"/v1/rounds/{world.round['id']}", json={"criteria": CRITERIA}, headers={"If-Match": "*"}
    )

    assert response.status_code == 403
    assert world.admin.get(f"/v1/rounds/{world.round['id']}").json()["criteria_version"] == 1


def test_a_rounds_quality_weights_may_be_set_if_they_sum_to_one(admin: Caller) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})
    weights = {
        "chain_completeness": 0.2,
        "indicator_coverage": 0.2,
        "evidence_coverage": 0.2,
        "rationale_coverage": 0.2,
        "stage_continuity": 0.2,
    }

    response = patch(admin, round_, {"settings": {"quality_weights": weights}})

    assert response.status_code == 200, response.text
    assert response.json()["settings"]["quality_weights"] == weights


def test_a_rounds_evidence_strength_scores_its_bids_evidence(world: World) -> None:
    strength = {"high": 1, "moderate": 0.9, "low": 0.2, "very_low": 0}
    world.reconfigure({"settings": {"evidence_strength": strength}})
    bid = world.draft_bid()
    world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())  # moderate

    scores = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()["scores"]

    computed = {s["criterion"]: s for s in scores["computed"]}
    assert computed["evidence_strength"]["fraction"] == pytest.approx(0.9)


def test_the_default_quality_weights_are_the_domains() -> None:
    # A model with no warnings covers every term fully, so each term is worth its weight.
    perfect = translate.logic_model(good_logic_model())
    assert perfect.findings() == ()

    terms = {term.name: term.value for term in perfect.quality().terms}

    assert terms == QualityWeightsIn().by_term()


def test_an_envelope_names_any_year_an_appraisal_takes(admin: Caller) -> None:
    round_ = admin.created("/v1/rounds", {"name": "2017/18", "programme_areas": AREAS})

    response = patch(admin, round_, {"envelope": {"by_year": {"2017": 5, "2999": 1}}})

    assert response.status_code == 200, response.text
    assert response.json()["envelope"]["by_year"] == {"2017": 5, "2999": 1}


def test_a_round_that_would_count_return_twice_is_refused_naming_the_setting(
    admin: Caller,
) -> None:
    with_return = [criterion("need", 0.6), criterion("bcr_band", 0.4, source="computed")]
    body = {"name": "2017/18", "programme_areas": AREAS, "criteria": with_return}

    twice = admin.post("/v1/rounds", json=body)
    once = admin.post(
        "/v1/rounds",
        json={**body, "settings": {"value": {"quality_weight": 1, "return_weight": 0}}},
    )
    draft = admin.created("/v1/rounds", {"name": "2018/19", "programme_areas": AREAS})
    later = patch(admin, draft, {"criteria": with_return})

    assert twice.status_code == later.status_code == 422
    assert problem_fields(twice) == problem_fields(later) == {"settings.value.return_weight"}
    assert once.status_code == 201, once.text
