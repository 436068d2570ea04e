"""Appraisals over HTTP: the SPEC 4.6 preview contract, and a bid under its round's settings."""

from __future__ import annotations

from typing import Any

import pytest

from app.schemas.appraisals import MAX_SEED
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body


def preview_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "base_year": 2017,
        "discounting": {"schedule": "flat", "rate": 0.1},
        "costs": [{"name": "Nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 100}]}],
        "benefits": [
            {
                "name": "Admissions avoided",
                "type": "cash_releasing",
                "flows": [{"year": 2018, "amount": 110}],
            }
        ],
    }
    body.update(overrides)
    return body


def problem_fields(response: Any) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json().get("errors", [])}


# POST /v1/appraisals


def test_a_benefit_of_110_a_year_after_a_cost_of_100_at_10_percent_breaks_even(
    world: World,
) -> None:
    response = world.office.post("/v1/appraisals", json=preview_body())

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["pv_costs"] == pytest.approx(100, abs=1e-9)
    assert result["pv_benefits"] == pytest.approx(100, abs=1e-9)  # 110 / 1.1
    assert result["npsv"] == pytest.approx(0, abs=1e-9)
    assert result["bcr"] == pytest.approx(1, abs=1e-12)
    assert result["roi"] == pytest.approx(0, abs=1e-12)
    assert result["payback_year"] == 2018
    assert result["payback_year_undiscounted"] == 2018
    assert result["discount_factors"] == [
        {"year": 2017, "factor": 1.0},
        {"year": 2018, "factor": pytest.approx(1 / 1.1, abs=1e-15)},
    ]
    assert result["irr"]["status"] == "unique"
    assert result["irr"]["value"] == pytest.approx(0.1, abs=1e-9)
    assert result["method_version"]
    assert result["monte_carlo"] is None


def test_green_book_discounting_gives_708_92_for_1000_in_year_10(world: World) -> None:
    body = preview_body(
        discounting={"schedule": "green_book"},
        costs=[{"name": "Kit", "kind": "capital", "flows": [{"year": 2027, "amount": 1000}]}],
        benefits=[],
    )

    result = world.office.post("/v1/appraisals", json=body).json()

    assert round(result["pv_costs"], 2) == 708.92  # 1000 / 1.035^10 = 708.918...
    assert result["pv_costs"] == pytest.approx(1000 / 1.035**10, rel=1e-12)
    assert len(result["discount_factors"]) == 11
    assert result["bcr"] == 0
    assert result["payback_year"] is None


def test_the_discounting_defaults_to_the_green_book_and_the_base_year_to_the_first_flow(
    world: World,
) -> None:
    body = preview_body(base_year=None, discounting=None)
    del body["base_year"], body["discounting"]

    result = world.office.post("/v1/appraisals", json=body).json()

    assert result["base_year"] == 2017
    assert result["discounting"] == {"schedule": "green_book", "rate": None}
    assert result["pv_benefits"] == pytest.approx(110 / 1.035, rel=1e-12)


def test_optimism_bias_and_additionality_are_reported_before_and_after(world: World) -> None:
    body = preview_body(
        costs=[
            {
                "name": "Build",
                "kind": "capital",
                "flows": [{"year": 2017, "amount": 100}],
                "optimism_bias": 0.24,
            },
            {
                "name": "Staff",
                "kind": "revenue",
                "flows": [{"year": 2017, "amount": 100}],
                "optimism_bias": {"grade": "low"},
            },
            {
                "name": "IT",
                "kind": "capital",
                "flows": [{"year": 2017, "amount": 100}],
                "optimism_bias": {
                    "upper_bound": 0.5,
                    "risk_areas": [{"name": "design", "contribution": 0.4, "mitigation": 0.5}],
                },
            },
        ],
        benefits=[
            {
                "name": "Savings",
                "type": "cash_releasing",
                "flows": [{"year": 2017, "amount": 1000}],
                "deadweight": 0.1,
                "displacement": 0.2,
                "attribution": 0.5,
            }
        ],
        optimism_bias_table={"low": 0.4},
    )

    result = world.office.post("/v1/appraisals", json=body).json()

    assert result["before_optimism_bias"]["pv_costs"] == pytest.approx(300)
    # 100 x 1.24 + 100 x 1.4 + 100 x (1 + 0.5 x (1 - 0.4 x 0.5))
    assert result["pv_costs"] == pytest.approx(124 + 140 + 140)
    assert result["after_optimism_bias"]["pv_costs"] == result["pv_costs"]
    assert result["pv_benefits_gross"] == pytest.approx(1000)
    assert result["pv_benefits"] == pytest.approx(1000 * 0.9 * 0.8 * 0.5)
    uplifts = [line["optimism_bias"] for line in result["lines"] if line["role"] == "cost"]
    assert uplifts == pytest.approx([0.24, 0.4, 0.4])


def test_qalys_are_monetised_at_the_value_per_qaly_on_the_health_schedule(world: World) -> None:
    body = preview_body(
        discounting={"schedule": "green_book"},
        benefits=[{"name": "QALYs", "type": "qaly", "flows": [{"year": 2018, "amount": 2}]}],
        value_per_qaly=30_000,
    )

    result = world.office.post("/v1/appraisals", json=body).json()

    assert result["pv_benefits"] == pytest.approx(2 * 30_000 / 1.015, rel=1e-12)
    assert result["qalys"] == 2


def test_monte_carlo_is_summarised_and_the_same_request_gives_the_same_body(
    world: World,
) -> None:
    body = preview_body(monte_carlo={"samples": 5000, "seed": 7})
    body["costs"][0]["uncertainty"] = {"kind": "triangular", "low": 0.8, "mode": 1.0, "high": 1.5}
    body["benefits"][0]["uncertainty"] = {"kind": "normal", "mean": 1.0, "sd": 0.1}

    first = world.office.post("/v1/appraisals", json=body)
    second = world.assessor.post("/v1/appraisals", json=body)

    assert first.status_code == 200, first.text
    assert first.content == second.content
    simulation = first.json()["monte_carlo"]
    assert simulation["samples"] == 5000
    assert simulation["seed"] == 7
    assert set(simulation["npsv"]) == {"mean", "p5", "p10", "p50", "p90", "p95"}
    assert simulation["npsv"]["p5"] < simulation["npsv"]["p50"] < simulation["npsv"]["p95"]
    assert 0 < simulation["probability_npsv_positive"] < 1
    assert [bar["line"] for bar in first.json()["tornado"]] == ["Nurses", "Admissions avoided"]
    switching = {value["line"]: value for value in first.json()["switching_values"]}
    assert switching["Nurses"]["factor"] == pytest.approx(1.0, abs=1e-9)


def test_a_line_with_a_distribution_runs_monte_carlo_with_the_default_samples(
    world: World,
) -> None:
    body = preview_body()
    body["costs"][0]["uncertainty"] = {"kind": "uniform", "low": 0.9, "high": 1.1}

    simulation = world.office.post("/v1/appraisals", json=body).json()["monte_carlo"]

    assert (simulation["samples"], simulation["seed"]) == (10_000, 0)


def flat(rate: float) -> dict[str, Any]:
    return {"schedule": "flat", "rate": rate}


def cost_with(**fields: Any) -> list[dict[str, Any]]:
    line = {"name": "Nurses", "kind": "revenue", "flows": [{"year": 2017, "amount": 100}]}
    line.update(fields)
    return [line]


def benefit_with(**fields: Any) -> list[dict[str, Any]]:
    line = {"name": "Savings", "type": "societal", "flows": [{"year": 2018, "amount": 110}]}
    line.update(fields)
    return [line]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"costs": cost_with(flows=[])}, "costs[0].flows"),
        ({"benefits": benefit_with(flows=[])}, "benefits[0].flows"),
        ({"costs": cost_with(flows=[{"year": 2016, "amount": 1}])}, "costs[0].flows[0].year"),
        (
            {"benefits": benefit_with(flows=[{"year": 2010, "amount": 1}])},
            "benefits[0].flows[0].year",
        ),
        ({"costs": cost_with(flows=[{"year": 2017, "amount": -1}])}, "costs[0].flows[0].amount"),
        ({"discounting": flat(1.0)}, "discounting.rate"),
        ({"discounting": flat(-1.0)}, "discounting.rate"),
        ({"discounting": flat(1.5)}, "discounting.rate"),
        ({"discounting": {"schedule": "flat"}}, "discounting.rate"),
        ({"discounting": {"schedule": "green_book", "rate": 0.1}}, "discounting.rate"),
        ({"benefits": benefit_with(deadweight=1.5)}, "benefits[0].deadweight"),
        ({"benefits": benefit_with(displacement=-0.1)}, "benefits[0].displacement"),
        ({"benefits": benefit_with(attribution=2)}, "benefits[0].attribution"),
        ({"benefits": benefit_with(drop_off=1.01)}, "benefits[0].drop_off"),
        (
            {"costs": cost_with(uncertainty={"kind": "uniform", "low": 1.2, "high": 0.8})},
            "costs[0].uncertainty.low",
        ),
        (
            {
                "benefits": benefit_with(
                    uncertainty={"kind": "triangular", "low": 1.2, "mode": 1, "high": 0.8}
                )
            },
            "benefits[0].uncertainty.low",
        ),
        ({"monte_carlo": {"samples": 1_000_001, "seed": 0}}, "monte_carlo.samples"),
        ({"monte_carlo": {"samples": 0}}, "monte_carlo.samples"),
        ({"benefits": benefit_with(deadwieght=0.1)}, "benefits[0].deadwieght"),
        ({"costs": cost_with(optimism_bias={"grade": "unknown"})}, "costs[0].optimism_bias.grade"),
        (
            {"costs": cost_with(flows=[{"year": 2017, "amount": 1}, {"year": 2017, "amount": 2}])},
            "costs[0].flows[1].year",
        ),
        ({"costs": [], "benefits": []}, "costs"),
        ({"costs": cost_with(name="a\u0000b")}, "costs[0].name"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    response = world.office.post("/v1/appraisals", json=preview_body(**change))

    assert response.status_code == 422, response.text
    assert response.json()["type"] == "urn:bpv:problem:validation-error"
    assert field in problem_fields(response)


def uncertain_costs(count: int, flows: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "name": f"Line {i}",
            "kind": "revenue",
            "flows": [{"year": 2017 + t, "amount": 1} for t in range(flows)],
            "uncertainty": {"kind": "uniform", "low": 0.9, "high": 1.1},
        }
        for i in range(count)
    ]


def test_too_many_samples_over_many_uncertain_lines_is_refused(world: World) -> None:
    # 200,000 samples (the most one may ask for) of 11 uncertain lines is 2.2 million draws.
    body = preview_body(costs=uncertain_costs(11), monte_carlo={"samples": 200_000})

    response = world.office.post("/v1/appraisals", json=body)

    assert response.status_code == 422
    assert problem_fields(response) == {"monte_carlo.samples"}
    assert "ask for at most 181,818 samples" in response.json()["errors"][0]["message"]


def test_the_preview_caps_its_lines_and_its_flows(world: World) -> None:
    too_many_lines = preview_body(costs=uncertain_costs(101))
    too_many_flows = preview_body(costs=uncertain_costs(51, flows=500), benefits=[])
    most_flows = preview_body(costs=uncertain_costs(50, flows=500), benefits=[])  # 25,000

    lines = world.office.post("/v1/appraisals", json=too_many_lines)
    flows = world.office.post("/v1/appraisals", json=too_many_flows)
    allowed = world.office.post("/v1/appraisals", json=most_flows)

    assert lines.status_code == 422
    assert problem_fields(lines) == {"costs"}
    assert flows.status_code == 422
    assert problem_fields(flows) == {"costs"}
    assert allowed.status_code == 200, allowed.text


def test_a_flow_500_years_after_the_base_year_is_appraised_and_one_more_is_not(
    world: World,
) -> None:
    def body(last_year: int) -> dict[str, Any]:
        flows = [{"year": 2017, "amount": 100}, {"year": last_year, "amount": 100}]
        return preview_body(discounting={"schedule": "green_book"}, costs=cost_with(flows=flows))

    longest = world.office.post("/v1/appraisals", json=body(2517))
    beyond = world.office.post("/v1/appraisals", json=body(2518))

    assert longest.status_code == 200, longest.text
    assert longest.json()["discount_factors"][-1]["year"] == 2517
    assert beyond.status_code == 422
    assert problem_fields(beyond) == {"costs[0].flows[1].year"}


def test_a_benefit_grade_is_looked_up_in_the_benefit_table_never_the_cost_uplift_table(
    world: World,
) -> None:
    graded = benefit_with(optimism_bias={"grade": "low"})
    costs_only = preview_body(benefits=graded, optimism_bias_table={"low": 0.4})
    both = preview_body(
        benefits=graded,
        optimism_bias_table={"low": 0.4},
        benefit_optimism_bias_table={"low": 0.1},
    )

    refused = world.office.post("/v1/appraisals", json=costs_only)
    reduced = world.office.post("/v1/appraisals", json=both)

    assert refused.status_code == 422
    assert problem_fields(refused) == {"benefits[0].optimism_bias.grade"}
    assert reduced.status_code == 200, reduced.text
    assert reduced.json()["pv_benefits"] == pytest.approx(110 / 1.1 * 0.9)


def test_the_preview_shows_where_its_point_estimate_falls_in_its_monte_carlo(
    world: World,
) -> None:
    body = preview_body(monte_carlo={"samples": 20_000, "seed": 1})
    # Costs most likely 20% over the stated flows: the distribution sits above the point.
    body["costs"][0]["uncertainty"] = {"kind": "triangular", "low": 1.0, "mode": 1.2, "high": 1.5}

    result = world.office.post("/v1/appraisals", json=body).json()

    assert result["monte_carlo"]["point_estimate_percentile"]["npsv"] > 95
    assert result["monte_carlo"]["point_estimate_percentile"]["bcr"] > 95
    [cost] = result["uncertain_inputs"]
    assert cost["input"] == "flows"
    assert cost["line"] == "Nurses"
    assert cost["point"] == 1.0
    assert cost["mean"] == pytest.approx(3.7 / 3)
    assert cost["most_likely"] == 1.2
    assert cost["point_percentile"] == 0
    assert cost["distribution"] == body["costs"][0]["uncertainty"]


@pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")
def test_figures_that_overflow_are_refused_rather_than_sent_as_nan(world: World) -> None:
    body = preview_body(
        discounting=flat(-0.95),
        costs=cost_with(flows=[{"year": 2017, "amount": 1}, {"year": 2500, "amount": 1}]),
    )
    body["base_year"] = 2017
    body["costs"][0]["flows"][1]["year"] = 2517 - 20  # within the 500-year horizon

    response = world.office.post("/v1/appraisals", json=body)

    assert response.status_code == 422
    assert problem_fields(response) == {"discounting.rate"}


def test_the_preview_needs_a_key(world: World) -> None:
    response = world.office.client.post("/v1/appraisals", json=preview_body())

    assert response.status_code == 401


# GET /v1/bids/{id}/appraisal


COST_LINES = [
    {
        "name": "Diabetes nurses",
        "kind": "revenue",
        "flows": [{"year": 2017, "amount": 100_000}, {"year": 2018, "amount": 100_000}],
        "optimism_bias": 0.1,
    },
    {
        "name": "Clinic fit-out",
        "kind": "capital",
        "flows": [{"year": 2017, "amount": 50_000}],
        "confidence_grade": "low",
    },
]


def appraisable_bid(world: World, caller: Caller | None = None) -> dict[str, Any]:
    caller = caller or world.office
    bid = world.draft_bid(caller, cost_lines=COST_LINES)
    put = caller.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    assert put.status_code == 200, put.text
    return bid


def test_a_bid_is_appraised_with_each_benefit_traced_to_its_hypothesis(world: World) -> None:
    world.reconfigure({"settings": {"optimism_bias_table": {"low": 0.5}}})
    bid = appraisable_bid(world)
    hypothesis = world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())
    unmonetised = world.office.created(
        f"/v1/bids/{bid['id']}/hypotheses",
        hypothesis_body(
            monetisation=None,
            edge={"source": "clinics", "target": "control"},
            indicator={"name": "HbA1c", "unit": "mmol/mol", "direction": "decrease"},
        ),
    )

    response = world.office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["bid_id"] == bid["id"]
    assert result["round_id"] == world.round["id"]
    assert result["settings"]["base_year"] == 2017
    assert result["base_year_source"] == "round"
    assert result["settings"]["discounting"] == {"schedule": "green_book", "rate": None}

    [trace] = result["benefits"]
    assert trace["hypothesis_id"] == hypothesis["id"]
    assert trace["edge"] == {"source": "control", "target": "admissions"}
    # Admissions fall from 1200 to 1100 by March 2018 and 1000 by March 2019, at 1650 each.
    assert trace["flows"] == [
        {"year": 2017, "amount": pytest.approx(165_000)},
        {"year": 2018, "amount": pytest.approx(330_000)},
    ]
    appraisal = result["appraisal"]
    [line] = [line for line in appraisal["lines"] if line["role"] == "benefit"]
    # Named by its indicator, traced to the hypothesis by its id.
    assert line["name"] == trace["line"] == "Emergency admissions (hypothesis 1)"
    assert line["source"] == hypothesis["id"]
    assert trace["hypothesis_number"] == 1
    # Net of deadweight 0.1 and attribution 0.2, discounted at 3.5%.
    pv_benefits = (165_000 + 330_000 / 1.035) * 0.9 * 0.8
    assert appraisal["pv_benefits"] == pytest.approx(pv_benefits, rel=1e-12)
    pv_costs = 100_000 * 1.1 * (1 + 1 / 1.035) + 50_000 * 1.5
    assert appraisal["pv_costs"] == pytest.approx(pv_costs, rel=1e-12)
    assert appraisal["before_optimism_bias"]["pv_costs"] == pytest.approx(
        100_000 * (1 + 1 / 1.035) + 50_000, rel=1e-12
    )
    assert appraisal["roi"] == pytest.approx((pv_benefits - pv_costs) / pv_costs, rel=1e-12)
    assert [(c["optimism_bias"], c["optimism_bias_source"]) for c in result["costs"]] == [
        (0.1, "line"),
        (0.5, "round_table"),
    ]
    assert {m["field"] for m in result["missing"]} == {"hypotheses[1].monetisation"}
    assert unmonetised["id"] in result["missing"][0]["detail"]


def test_a_bid_appraisal_carries_its_scores_with_their_terms(world: World) -> None:
    bid = appraisable_bid(world)
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    scores = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()["scores"]

    assert scores["criteria_version"] == 1
    assert scores["awaiting_assessment"] == ["strategic_fit", "deliverability"]
    computed = {s["criterion"]: s for s in scores["computed"]}
    assert computed["evidence_strength"]["fraction"] == pytest.approx(2 / 3)
    assert computed["confidence"]["fraction"] == pytest.approx(0.7)
    weighted = scores["weighted_score"]
    assert weighted["score"] is None
    assert weighted["low"] < weighted["high"]
    terms = {t["name"]: t for t in weighted["terms"]}
    assert terms["strategic_fit"]["value"] is None
    assert terms["confidence"]["contribution"] == pytest.approx(0.15 * 0.7 * 5)
    known = sum(t["contribution"] for t in weighted["terms"] if t["contribution"] is not None)
    assert weighted["low"] == pytest.approx(known)  # the pending criteria at 0
    assert weighted["high"] == pytest.approx(known + 0.5 * 5)
    value = scores["value_score"]
    assert value["score"] is None
    assert 0 <= value["low"] <= value["high"] <= 1
    assert [t["name"] for t in value["terms"]] == ["quality", "return"]


def test_a_computed_framework_gives_a_full_weighted_and_value_score(world: World) -> None:
    criteria = [
        {
            "key": "bcr_band",
            "name": "Value for money",
            "weight": 0.5,
            "scale": {"min": 0, "max": 4},
            "source": "computed",
        },
        {
            "key": "quality",
            "name": "Logic model",
            "weight": 0.5,
            "scale": {"min": 0, "max": 4},
            "source": "computed",
            "measure": "logic_model_quality",
        },
    ]
    # Return is scored within the criteria, so the value score adds none of its own.
    no_return = {"value": {"quality_weight": 1, "return_weight": 0}}
    world.reconfigure({"criteria": criteria, "settings": no_return})
    bid = appraisable_bid(world)
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    scores = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()["scores"]

    assert scores["criteria_version"] == 1
    assert scores["awaiting_assessment"] == []
    weighted = scores["weighted_score"]
    assert weighted["score"] == weighted["low"] == weighted["high"]
    assert weighted["score"] == pytest.approx(sum(t["contribution"] for t in weighted["terms"]))
    assert scores["value_score"]["score"] is not None


def test_a_bid_with_nothing_to_appraise_still_answers(world: World) -> None:
    bid = world.draft_bid()

    response = world.office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["appraisal"] is None
    assert result["settings"]["base_year"] == 2017
    assert {"cost_lines", "hypotheses"} <= {m["field"] for m in result["missing"]}
    assert result["scores"]["computed"]


def test_a_bid_without_cost_lines_is_appraised_on_its_benefits(world: World) -> None:
    bid = world.draft_bid()
    world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    assert result["appraisal"]["pv_costs"] == 0
    assert result["appraisal"]["bcr"] is None
    assert "cost_lines" in {m["field"] for m in result["missing"]}


def test_a_cost_before_the_rounds_base_year_is_reported_not_a_server_error(
    world: World,
) -> None:
    world.reconfigure({"settings": {"base_year": 2018}})
    bid = appraisable_bid(world)

    response = world.office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["appraisal"] is None
    assert result["base_year_source"] == "round"
    assert "cost_lines[0].flows[0].year" in {m["field"] for m in result["missing"]}


def test_confidence_weighting_follows_the_round(world: World) -> None:
    world.reconfigure({"settings": {"confidence_weighted": True}})
    bid = appraisable_bid(world)
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    assert result["settings"]["confidence_weighted"] is True
    assert result["benefits"][0]["flows"][0]["amount"] == pytest.approx(165_000 * 0.7)


def test_the_bid_appraisal_is_reproducible_with_monte_carlo(world: World) -> None:
    uncertainty = {"kind": "pert", "low": 0.8, "mode": 1.0, "high": 1.4}
    world.reconfigure(
        {"settings": {"monte_carlo": {"samples": 2000, "cost_uncertainty": uncertainty}}},
    )
    bid = appraisable_bid(world)
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())
    path = f"/v1/bids/{bid['id']}/appraisal"

    first, second = world.office.get(path), world.office.get(path)

    assert first.status_code == 200, first.text
    assert first.content == second.content
    simulation = first.json()["appraisal"]["monte_carlo"]
    assert (simulation["samples"], simulation["seed"]) == (2000, 0)
    assert first.json()["settings"]["monte_carlo"]["cost_uncertainty"] == {
        **uncertainty,
        "shape": 4.0,
    }
    assert len(first.json()["appraisal"]["tornado"]) == len(COST_LINES)


def test_a_request_may_ask_for_monte_carlo_or_turn_it_off(world: World) -> None:
    bid = appraisable_bid(world)
    path = f"/v1/bids/{bid['id']}/appraisal"

    asked = world.office.get(path, params={"monte_carlo": "true"}).json()
    seeded = world.office.get(path, params={"samples": 500, "seed": 3}).json()
    off = world.office.get(path, params={"monte_carlo": "false"}).json()

    assert (
        asked["settings"]["monte_carlo"]["samples"],
        asked["settings"]["monte_carlo"]["seed"],
    ) == (
        10_000,
        0,
    )
    assert asked["appraisal"]["monte_carlo"]["samples"] == 10_000
    assert seeded["appraisal"]["monte_carlo"]["samples"] == 500
    assert seeded["appraisal"]["monte_carlo"]["seed"] == 3
    assert off["appraisal"]["monte_carlo"] is None
    assert off["settings"]["monte_carlo"] is None
    too_many = world.office.get(path, params={"samples": 1_000_001})
    assert too_many.status_code == 422
    assert problem_fields(too_many) == {"samples"}


def test_another_footprints_office_cannot_see_the_bid_appraisal(world: World) -> None:
    bid = appraisable_bid(world)

    response = world.other_office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert response.status_code == 404
    assert response.json()["type"] == "urn:bpv:problem:not-found"


def test_the_rounds_panel_sees_a_submitted_bids_appraisal(world: World) -> None:
    submitted = world.submitted_bid()
    draft = world.draft_bid()

    assert world.assessor.get(f"/v1/bids/{submitted['id']}/appraisal").status_code == 200
    assert world.chair.get(f"/v1/bids/{submitted['id']}/appraisal").status_code == 200
    assert world.assessor.get(f"/v1/bids/{draft['id']}/appraisal").status_code == 404


@pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")
@pytest.mark.parametrize(
    "round_settings",
    [
        {"discounting": {"schedule": "flat", "rate": -0.99}, "base_year": 1950},
        {"discounting": {"schedule": "flat", "rate": 0.99}},
        {"base_year": 2019},
        {"base_year": 1900},
        {"persistence_years": 100, "value": {"return_measure": "bcr_linear", "bcr_cap": 0.5}},
        {"benefit_optimism_bias": 1, "confidence_weighted": True, "value_per_qaly": 0},
        {"monte_carlo": {"samples": 200_000, "seed": MAX_SEED}},
        {
            "monte_carlo": {
                "samples": 200_000,
                "cost_uncertainty": {"kind": "normal", "mean": 1, "sd": 1000},
                "benefit_uncertainty": {"kind": "uniform", "low": -1000, "high": 1000},
            }
        },
        {
            "monte_carlo": {
                "samples": 1,
                "cost_uncertainty": {"kind": "triangular", "low": 1, "mode": 1, "high": 1},
                "benefit_uncertainty": {"kind": "pert", "low": 0, "mode": 0, "high": 0},
            }
        },
    ],
)
def test_a_bid_appraisal_answers_under_any_valid_round_settings(
    world: World, round_settings: dict[str, Any]
) -> None:
    world.reconfigure({"settings": round_settings})
    bid = appraisable_bid(world)
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body())

    response = world.office.get(f"/v1/bids/{bid['id']}/appraisal")

    assert response.status_code == 200, response.text
    result = response.json()
    if result["appraisal"] is None:
        assert result["missing"], "an appraisal left out says why"


# Distributions a bid carries itself


def test_a_cost_line_with_its_own_distribution_is_simulated_without_round_settings(
    world: World,
) -> None:
    uncertain = [{**COST_LINES[0], "uncertainty": {"kind": "uniform", "low": 0.9, "high": 1.5}}]
    bid = world.draft_bid(cost_lines=uncertain)
    path = f"/v1/bids/{bid['id']}/appraisal"

    simulated = world.office.get(path).json()
    off = world.office.get(path, params={"monte_carlo": "false"}).json()

    simulation = simulated["appraisal"]["monte_carlo"]
    assert (simulation["samples"], simulation["seed"]) == (10_000, 0)
    assert simulation["npsv"]["p5"] < simulation["npsv"]["p95"]
    # The multiplier averages 1.2, so the simulated cost is higher and the mean NPSV lower.
    assert simulation["npsv"]["mean"] < simulated["appraisal"]["npsv"]
    assert [bar["line"] for bar in simulated["appraisal"]["tornado"]] == ["Diabetes nurses"]
    assert off["appraisal"]["monte_carlo"] is None
    assert off["appraisal"]["npsv"] == simulated["appraisal"]["npsv"]


def test_an_uncertain_confidence_is_sampled_when_the_round_weights_by_confidence(
    world: World,
) -> None:
    world.reconfigure({"settings": {"confidence_weighted": True}})
    bid = appraisable_bid(world)
    spread = {"kind": "triangular", "low": 0.4, "mode": 0.7, "high": 0.8}
    world.office.created(
        f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body(confidence_uncertainty=spread)
    )

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    simulation = result["appraisal"]["monte_carlo"]
    assert simulation["npsv"]["p5"] < simulation["npsv"]["p95"]
    # The triangle's mean (0.633) sits below the point confidence (0.7): so does the mean NPSV.
    assert simulation["npsv"]["mean"] < result["appraisal"]["npsv"]


def test_an_uncertain_confidence_is_noted_when_the_round_does_not_weight_by_it(
    world: World,
) -> None:
    bid = appraisable_bid(world)
    spread = {"kind": "uniform", "low": 0.5, "high": 0.9}
    world.office.created(
        f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body(confidence_uncertainty=spread)
    )

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    assert "hypotheses[0].confidence_uncertainty" in {m["field"] for m in result["missing"]}


def test_a_distribution_whose_low_exceeds_its_high_is_refused_on_the_bid(world: World) -> None:
    inverted = {"kind": "uniform", "low": 1.5, "high": 0.9}
    bid = world.draft_bid()

    cost = world.office.patch(
        f"/v1/bids/{bid['id']}",
        json={"cost_lines": [{**COST_LINES[0], "uncertainty": inverted}]},
        headers={"If-Match": "*"},
    )
    world.office.put(
        f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
    )
    confidence = world.office.post(
        f"/v1/bids/{bid['id']}/hypotheses", json=hypothesis_body(confidence_uncertainty=inverted)
    )

    assert cost.status_code == 422
    assert problem_fields(cost) == {"cost_lines[0].uncertainty.low"}
    assert confidence.status_code == 422
    assert problem_fields(confidence) == {"confidence_uncertainty.low"}
    assert world.office.get(f"/v1/bids/{bid['id']}").json()["cost_lines"] == []


def test_bid_cost_lines_take_every_optimism_bias_form_the_preview_takes(world: World) -> None:
    mitigated = {
        "upper_bound": 0.5,
        "risk_areas": [{"name": "design", "contribution": 0.4, "mitigation": 0.5}],
    }
    lines = [
        {**COST_LINES[0], "optimism_bias": 1.5},
        {**COST_LINES[1], "optimism_bias": mitigated},
    ]
    bid = world.draft_bid(cost_lines=lines)

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    assert [(c["optimism_bias"], c["optimism_bias_source"]) for c in result["costs"]] == [
        (1.5, "line"),
        (pytest.approx(0.4), "line"),
    ]
    pv_costs = 100_000 * 2.5 * (1 + 1 / 1.035) + 50_000 * 1.4
    assert result["appraisal"]["pv_costs"] == pytest.approx(pv_costs, rel=1e-12)


def test_a_bid_cost_line_whose_risk_areas_exceed_the_upper_bound_is_refused(world: World) -> None:
    bid = world.draft_bid()
    areas = [{"name": n, "contribution": 0.6, "mitigation": 0.5} for n in ("design", "build")]

    response = world.office.patch(
        f"/v1/bids/{bid['id']}",
        json={
            "cost_lines": [
                {**COST_LINES[0], "optimism_bias": {"upper_bound": 0.5, "risk_areas": areas}}
            ]
        },
        headers={"If-Match": "*"},
    )

    assert response.status_code == 422
    assert problem_fields(response) == {"cost_lines[0].optimism_bias.risk_areas"}


def test_a_hypothesis_may_carry_distributions_on_its_value_and_additionality(
    world: World,
) -> None:
    bid = appraisable_bid(world)
    body = hypothesis_body()
    body["monetisation"]["value_per_unit_uncertainty"] = {
        "kind": "pert",
        "low": 1200,
        "mode": 1650,
        "high": 2100,
    }
    body["additionality"]["deadweight_uncertainty"] = {
        "kind": "triangular",
        "low": 0.0,
        "mode": 0.1,
        "high": 0.3,
    }
    world.office.created(f"/v1/bids/{bid['id']}/hypotheses", body)

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    appraisal = result["appraisal"]
    line = "Emergency admissions (hypothesis 1)"
    inputs = {(i["input"], i["line"]): i for i in appraisal["uncertain_inputs"]}
    assert set(inputs) == {("value_per_unit", line), ("deadweight", line)}
    assert inputs[("value_per_unit", line)]["point"] == 1650
    assert inputs[("value_per_unit", line)]["point_percentile"] == pytest.approx(50)
    assert inputs[("deadweight", line)]["point"] == 0.1
    assert inputs[("deadweight", line)]["mean"] == pytest.approx(0.4 / 3)
    assert {bar["input"] for bar in appraisal["tornado"]} == {"value_per_unit", "deadweight"}
    assert appraisal["monte_carlo"]["samples"] == 10_000


def test_a_share_distribution_outside_zero_to_one_is_refused_on_the_hypothesis(
    world: World,
) -> None:
    bid = appraisable_bid(world)
    body = hypothesis_body()
    body["additionality"]["attribution_uncertainty"] = {"kind": "normal", "mean": 0.2, "sd": 0.1}

    response = world.office.post(f"/v1/bids/{bid['id']}/hypotheses", json=body)

    assert response.status_code == 422
    assert problem_fields(response) == {"additionality.attribution_uncertainty"}


def test_the_rounds_value_per_qaly_may_be_uncertain(world: World) -> None:
    spread = {"kind": "normal", "mean": 60_000, "sd": 10_000}
    world.reconfigure({"settings": {"value_per_qaly_uncertainty": spread}})
    bid = appraisable_bid(world)
    monetisation = {"value_per_unit": 0.01, "benefit_type": "qaly"}
    world.office.created(
        f"/v1/bids/{bid['id']}/hypotheses", hypothesis_body(monetisation=monetisation)
    )

    result = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()

    [value] = result["appraisal"]["uncertain_inputs"]
    assert (value["input"], value["line"], value["point"]) == ("value_per_qaly", None, 60_000)
    assert value["switching_value"] == pytest.approx(
        result["appraisal"]["value_per_qaly_switching"]
    )
    assert result["settings"]["value_per_qaly_uncertainty"] == spread


def test_a_bid_appraisal_refuses_more_draws_than_a_simulation_may_take(world: World) -> None:
    # 20 uncertain lines: 100,000 samples is 2,000,000 draws, the most one simulation takes.
    bid = world.draft_bid(cost_lines=uncertain_costs(20))
    path = f"/v1/bids/{bid['id']}/appraisal"

    most = world.office.get(path, params={"samples": 100_000})
    more = world.office.get(path, params={"samples": 100_001})

    assert most.status_code == 200, most.text
    assert most.json()["appraisal"]["monte_carlo"]["samples"] == 100_000
    assert more.status_code == 422
    assert problem_fields(more) == {"samples"}


def test_the_rounds_quality_weights_score_the_logic_model(world: World) -> None:
    model = good_logic_model()
    for edge in model["edges"]:
        del edge["evidence"]  # no edge cites evidence: that share is 0

    def bid_in_round() -> dict[str, Any]:
        bid = world.draft_bid()
        put = world.office.put(
            f"/v1/bids/{bid['id']}/logic-model", json=model, headers={"If-Match": "*"}
        )
        assert put.status_code == 200, put.text
        return bid

    def quality(bid: dict[str, Any]) -> float:
        findings = world.office.get(f"/v1/bids/{bid['id']}/logic-model/findings").json()
        score: float = findings["quality"]["score"]
        return score

    by_default = quality(bid_in_round())
    evidence_first = {
        "chain_completeness": 0.125,
        "indicator_coverage": 0.125,
        "evidence_coverage": 0.5,
        "rationale_coverage": 0.125,
        "stage_continuity": 0.125,
    }
    world.reconfigure({"settings": {"quality_weights": evidence_first}})
    bid = bid_in_round()

    assert by_default == pytest.approx(1 - 0.125)
    assert quality(bid) == pytest.approx(1 - 0.5)
    appraisal = world.office.get(f"/v1/bids/{bid['id']}/appraisal").json()
    computed = {s["criterion"]: s for s in appraisal["scores"]["computed"]}
    assert computed["logic_model_quality"]["fraction"] == pytest.approx(0.5)
