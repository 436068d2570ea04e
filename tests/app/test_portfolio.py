"""Portfolio selection over HTTP: the stateless optimisation (SPEC 4.7), exact where greedy
choice is not, and a round's portfolio runs, built from its bids, stored and decided on."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import translate
from app.auth import authenticate
from app.problems import Forbidden
from app.schemas.portfolio import MAX_REQUIRES
from app.services.portfolio import PortfolioRunResult, PortfolioService
from app.tables import AppraisalSnapshot, BidVersion, Decision, PortfolioRun
from bpv.portfolio import (
    MAX_TIME_LIMIT,
    Budget,
    Option,
    PortfolioProblem,
    ShareDimension,
    ShareLimit,
    SolveSettings,
    optimise_within_deadline,
)
from tests.app.conftest import Caller, World
from tests.app.ranked_round import Panel, set_envelope, submitted_bid
from tests.conftest import SECRET

OPTIMISE = "/v1/portfolio/optimise"


def option(id: str, cost: float | dict[str, float], value: float, **fields: Any) -> dict[str, Any]:
    return {"id": id, "cost": cost, "value": value, **fields}


def optimise(caller: Caller, budget: dict[str, Any], *options: dict[str, Any], **body: Any) -> Any:
    return caller.post(
        OPTIMISE, json={"budget": budget, "objective": "value", "options": list(options), **body}
    )


def answer(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fields_of(response: Any) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


def runs(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(PortfolioRun)) or 0)


TEXTBOOK = (option("A", 100, 90), option("B", 50, 50), option("C", 50, 45))


# POST /v1/portfolio/optimise


def test_the_exact_answer_is_the_best_set_not_the_best_options(
    world: World, engine: Engine
) -> None:
    body = answer(optimise(world.office, {"total": 100}, *TEXTBOOK))

    assert body["status"] == "optimal"
    assert sorted(body["selected"]) == ["B", "C"]
    assert body["total_value"] == pytest.approx(95)
    assert body["total_cost"] == pytest.approx(100)
    assert body["gap"] == pytest.approx(0)
    assert body["gap_tolerance"] == 0
    # Filling the budget by value per pound (B, then C) finds the optimum here.
    assert body["greedy"]["total_value"] == pytest.approx(95)
    assert body["greedy"]["optimum_gain"] == pytest.approx(0)
    reasons = {item["id"]: item for item in body["options"]}
    assert {key: item["selected"] for key, item in reasons.items()} == {
        "A": False,
        "B": True,
        "C": True,
    }
    assert all(item["reason"] and item["detail"] for item in reasons.values())
    assert body["solver"]["time_limit"] == 10
    assert runs(engine) == 0  # a preview stores nothing


def test_the_answer_says_what_filling_by_value_per_pound_would_have_missed(
    world: World,
) -> None:
    options = (option("A", 60, 66), option("B", 50, 50), option("C", 50, 50))

    body = answer(optimise(world.office, {"total": 100}, *options))

    assert sorted(body["selected"]) == ["B", "C"]
    assert body["greedy"]["selected"] == ["A"]  # the best value per pound leaves no room
    assert body["greedy"]["total_value"] == pytest.approx(66)
    assert body["greedy"]["optimum_gain"] == pytest.approx(34)
    assert body["greedy"]["feasible"] is True
    reasons = {item["id"]: item for item in body["options"]}
    assert reasons["A"]["reason"] == "breaks_total_budget"
    assert reasons["A"]["value_per_pound"] == pytest.approx(1.1)
    assert body["binding"][0]["kind"] == "total_budget"


def test_each_years_budget_is_a_limit_of_its_own(world: World) -> None:
    options = (
        option("X", {"2017": 80, "2018": 20}, 10),
        option("Y", {"2017": 30, "2018": 70}, 8),
        option("Z", {"2017": 60, "2018": 10}, 9),
    )

    by_year = answer(optimise(world.office, {"by_year": {"2017": 100, "2018": 100}}, *options))
    total = answer(optimise(world.office, {"total": 200}, *options))

    # X and Z fit 200 in all, but not 100 in 2017.
    assert sorted(total["selected"]) == ["X", "Z"]
    assert sorted(by_year["selected"]) == ["Y", "Z"]
    assert by_year["total_value"] == pytest.approx(17)
    assert by_year["cost_by_year"] == pytest.approx({"2017": 90, "2018": 80})


def test_at_most_one_option_of_a_group_is_chosen(world: World) -> None:
    body = answer(
        optimise(
            world.office,
            {"total": 100},
            option("A", 30, 10, group="site"),
            option("B", 30, 20, group="site"),
            option("C", 30, 5),
        )
    )

    assert sorted(body["selected"]) == ["B", "C"]
    assert body["total_value"] == pytest.approx(25)


def test_an_option_comes_only_with_what_it_requires(world: World) -> None:
    options = [option("A", 50, 10, requires=["B"]), option("B", 55, 1), option("C", 50, 8)]

    body = answer(optimise(world.office, {"total": 100}, *options))
    without = answer(
        optimise(world.office, {"total": 100}, *[{**o, "requires": []} for o in options])
    )

    assert sorted(without["selected"]) == ["A", "C"]
    # A needs B, and A with B costs 105: C alone is the best left.
    assert body["selected"] == ["C"]
    assert body["total_value"] == pytest.approx(8)


def test_an_infeasible_problem_is_an_answer_naming_the_conflict(world: World) -> None:
    response = optimise(
        world.office,
        {"total": 100},
        option("A", 150, 90, mandatory=True),
        option("B", 50, 50),
    )

    body = answer(response)
    assert body["status"] == "infeasible"
    assert body["selected"] == []
    assert body["conflict"]
    assert any("A" in item["option_ids"] for item in body["conflict"])


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ([option("A", 10, 1), option("A", 20, 2)], "options[1].id"),
        ([option("A", 10, 1, requires=["nowhere"])], "options[0].requires[0]"),
        (
            [option("A", 10, 1, requires=["B"]), option("B", 10, 1, requires=["A"])],
            "options[0].requires[0]",
        ),
        ([option("A", -10, 1)], "options[0].cost"),
        ([option("A", {"2017": -10}, 1)], "options[0].cost"),
        ([option("A", {"17": 10}, 1)], "options[0].cost"),
        ([option("A", 10, 1, mandatory=True, excluded=True)], "options[0]"),
        ([option("", 10, 1)], "options[0].id"),
        ([option("A" * 101, 10, 1)], "options[0].id"),
        (
            [option("A", 10, 1, requires=[f"B{i}" for i in range(MAX_REQUIRES + 1)])],
            "options[0].requires",
        ),
        ([option("A", 10, 1, colour="red")], "options[0].colour"),
        ([option("A", 10, 1, mandatory=0)], "options[0].mandatory"),
        ([option("A", 10, 1e13)], "options[0].value"),
    ],
)
def test_a_bad_option_is_refused_naming_its_field(
    world: World, options: list[dict[str, Any]], field: str
) -> None:
    response = optimise(world.office, {"total": 100}, *options)

    assert response.status_code == 422, response.text
    assert response.json()["type"] == "urn:bpv:problem:validation-error"
    [named] = fields_of(response)
    assert named.startswith(field), named


@pytest.mark.parametrize(
    ("cost", "field"),
    [(10, "options[0].cost"), ({"2017": 5, "2019": 5}, "options[0].cost.2019")],
)
def test_with_budgets_by_year_a_cost_is_given_in_those_years(
    world: World, cost: Any, field: str
) -> None:
    response = optimise(world.office, {"by_year": {"2017": 100, "2018": 100}}, option("A", cost, 1))

    assert response.status_code == 422, response.text
    assert fields_of(response) == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_limit": MAX_TIME_LIMIT + 1}, "time_limit"),
        ({"time_limit": 0}, "time_limit"),
        ({"gap_tolerance": 1.5}, "gap_tolerance"),
        ({"objective": "profit"}, "objective"),
        ({"shares": [{"dimension": "footprint", "key": "QWE"}]}, "shares[0]"),
        (
            {"shares": [{"dimension": "region", "key": "N", "max_share": 0.5}]},
            "shares[0].dimension",
        ),
        (
            {
                "shares": [
                    {"dimension": "footprint", "key": "QWE", "min_share": 0.6, "max_share": 0.5}
                ]
            },
            "shares[0]",
        ),
    ],
)
def test_bad_settings_are_refused_naming_their_field(
    world: World, body: dict[str, Any], field: str
) -> None:
    response = optimise(world.office, {"total": 100}, *TEXTBOOK, **body)

    assert response.status_code == 422, response.text
    assert fields_of(response) == [field]


@pytest.mark.parametrize(
    ("budget", "field"),
    [
        ({}, "budget"),
        ({"total": -1}, "budget.total"),
        ({"by_year": {"2017": "a"}}, "budget.by_year.2017"),
    ],
)
def test_a_bad_budget_is_refused_naming_its_field(
    world: World, budget: dict[str, Any], field: str
) -> None:
    response = optimise(world.office, budget, *TEXTBOOK)

    assert response.status_code == 422, response.text
    assert fields_of(response) == [field]


@pytest.mark.parametrize("role", ["admin", "office", "assessor", "chair", "integration"])
def test_any_authenticated_caller_may_optimise(world: World, role: str) -> None:
    caller: Caller = getattr(world, role)

    assert answer(optimise(caller, {"total": 100}, *TEXTBOOK))["total_value"] == pytest.approx(95)


def test_an_unauthenticated_caller_may_not(world: World) -> None:
    response = world.office.client.post(
        OPTIMISE, json={"budget": {"total": 1}, "options": [option("A", 1, 1)]}
    )

    assert response.status_code == 401


# What a stored run keeps


@pytest.mark.parametrize(
    "problem",
    [
        PortfolioProblem(
            options=(
                Option("A", 90, {2017: 60, 2018: 40}, group="g", programme_area="cancer"),
                Option("B", 50, {2017: 50}, requires=("C",), footprint="QWE"),
                Option("C", 45, {2018: 50}, group="g", excluded=True),
            ),
            budget=Budget(150, {2017: 100, 2018: 60}),
            shares=(ShareLimit(ShareDimension.PROGRAMME_AREA, "cancer", None, 0.9),),
            settings=SolveSettings(gap_tolerance=0.01, time_limit=5, near_line=2),
        ),
        PortfolioProblem(
            options=(Option("A", 90, 150, mandatory=True), Option("B", 50, 50)),
            budget=Budget(100),
        ),
    ],
    ids=["feasible", "infeasible"],
)
def test_problems_and_answers_are_stored_whole(problem: PortfolioProblem) -> None:
    answer = optimise_within_deadline(problem)

    def through_json(document: dict[str, Any]) -> Any:
        return json.loads(json.dumps(document))

    stored_problem = through_json(translate.problem_document(problem))
    stored_answer = through_json(translate.answer_document(answer))

    assert translate.problem_from_document(stored_problem) == problem
    assert translate.answer_from_document(stored_answer) == answer


# POST /v1/rounds/{id}/portfolio, GET /v1/rounds/{id}/portfolios/{pid}


def portfolio_path(world: World) -> str:
    return f"/v1/rounds/{world.round['id']}/portfolio"


def run_portfolio(world: World, caller: Caller | None = None, **body: Any) -> Any:
    return (caller or world.chair).post(portfolio_path(world), json=body)


@pytest.fixture
def bids(world: World) -> dict[str, dict[str, Any]]:
    """Three bids asking by year, scored best to worst; the round closed, its envelope 150k in
    each of 2017 and 2018: the best two fit, the best and the third do not."""
    bids = {
        "best": submitted_bid(world, title="Best", funding={2017: 100_000, 2018: 100_000}),
        "second": submitted_bid(world, title="Second", funding={2017: 50_000, 2018: 50_000}),
        "third": submitted_bid(
            world, world.other_office, title="Third", funding={2017: 100_000, 2018: 40_000}
        ),
    }
    set_envelope(world, {"by_year": {"2017": 150_000, "2018": 150_000}})
    world.move_round("closed")
    panel = Panel(world)
    assessor = panel.assessor("A")
    for bid, score in zip(bids.values(), (5, 4, 3), strict=True):
        panel.assess(bid["id"], assessor, strategic_fit=score, deliverability=score)
    return bids


def test_the_chair_runs_the_rounds_portfolio_reads_it_back_and_decides_on_it(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    ranking = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking").json()
    value_scores = {item["bid_id"]: item["value_score"] for item in ranking["items"]}

    response = run_portfolio(world)

    assert response.status_code == 201, response.text
    run = response.json()
    best, second, third = (bids[name]["id"] for name in ("best", "second", "third"))
    assert run["round_id"] == world.round["id"]
    assert run["objective"] == "value_score"
    assert run["status"] == "optimal"
    assert sorted(run["selected"]) == sorted([best, second])
    assert run["total_value"] == pytest.approx(value_scores[best] + value_scores[second])
    assert run["total_cost"] == pytest.approx(300_000)
    assert run["cost_by_year"] == pytest.approx({"2017": 150_000, "2018": 150_000})
    assert {item["id"] for item in run["options"]} == {best, second, third}
    assert run["unranked"] == []
    with Session(engine) as session:
        stored = session.scalars(select(PortfolioRun)).one()
        problem = translate.problem_from_document(stored.request["problem"])
        account = stored.account_id
    costs = {o.id: o.cost for o in problem.options}
    assert costs[third] == {2017: 100_000, 2018: 40_000}
    assert problem.budget.by_year == {2017: 150_000, 2018: 150_000}
    assert {o.id: o.value for o in problem.options} == pytest.approx(value_scores)
    assert run["account_id"] == str(account)

    read = world.chair.get(f"/v1/rounds/{world.round['id']}/portfolios/{run['id']}")
    assert read.status_code == 200
    assert read.json() == run
    assert world.admin.get(f"/v1/rounds/{world.round['id']}/portfolios/{run['id']}").json() == run

    decided = world.chair.post(
        f"/v1/rounds/{world.round['id']}/decisions",
        json={
            "decisions": [
                {
                    "bid_id": bid_id,
                    "outcome": "approved",
                    "rationale": "In the optimal portfolio.",
                    "portfolio_id": run["id"],
                }
                for bid_id in run["selected"]
            ]
        },
    )
    assert decided.status_code == 201, decided.text
    assert {d["portfolio_id"] for d in decided.json()["decisions"]} == {run["id"]}
    with Session(engine) as session:
        named = set(session.scalars(select(Decision.portfolio_id)))
    assert named == {uuid.UUID(run["id"])}


def test_a_stored_run_reproduces_its_answer(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    run = run_portfolio(
        world, shares=[{"dimension": "programme_area", "key": "diabetes", "min_share": 0.5}]
    )
    assert run.status_code == 201, run.text

    with Session(engine) as session:
        stored = session.scalars(select(PortfolioRun)).one()
        problem = translate.problem_from_document(stored.request["problem"])
        answer_doc = stored.answer
    again = optimise_within_deadline(problem)

    assert (
        sorted(again.selected) == sorted(answer_doc["selected"]) == sorted(run.json()["selected"])
    )
    assert again.total_value == pytest.approx(answer_doc["total_value"])
    assert problem.shares[0].min_share == 0.5


def test_mandatory_and_excluded_bids_are_honoured(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    response = run_portfolio(
        world, mandatory=[bids["third"]["id"]], excluded=[bids["second"]["id"]]
    )

    assert response.status_code == 201, response.text
    assert response.json()["selected"] == [bids["third"]["id"]]


@pytest.mark.parametrize("objective", ["npsv", "qalys"])
def test_the_snapshots_figures_can_be_the_value(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]], objective: str
) -> None:
    response = run_portfolio(world, objective=objective)

    assert response.status_code == 201, response.text
    assert response.json()["objective"] == objective
    with Session(engine) as session:
        stored = session.scalars(select(PortfolioRun)).one()
        figures = {
            str(bid_id): getattr(snapshot, objective)
            for bid_id, snapshot in session.execute(
                select(BidVersion.bid_id, AppraisalSnapshot).join(
                    AppraisalSnapshot, AppraisalSnapshot.bid_version_id == BidVersion.id
                )
            )
        }
    values = {o["id"]: o["value"] for o in stored.request["problem"]["options"]}
    assert values == figures
    assert all(value is not None for value in values.values())


def test_bids_without_a_value_are_left_out_and_listed(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            AppraisalSnapshot.__table__.update()
            .where(
                AppraisalSnapshot.bid_version_id.in_(
                    select(BidVersion.id).where(BidVersion.bid_id == uuid.UUID(bids["best"]["id"]))
                )
            )
            .values(npsv=None)
        )

    response = run_portfolio(world, objective="npsv")

    assert response.status_code == 201, response.text
    body = response.json()
    assert [item["bid_id"] for item in body["unranked"]] == [bids["best"]["id"]]
    assert bids["best"]["id"] not in {item["id"] for item in body["options"]}
    refused = run_portfolio(world, objective="npsv", mandatory=[bids["best"]["id"]])
    assert refused.status_code == 422
    assert fields_of(refused) == ["mandatory[0]"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mandatory": [str(uuid.uuid4())]}, "mandatory[0]"),
        ({"excluded": [str(uuid.uuid4())]}, "excluded[0]"),
        (
            {"shares": [{"dimension": "programme_area", "key": "dentistry", "max_share": 0.5}]},
            "shares[0].key",
        ),
        ({"shares": [{"dimension": "footprint", "key": "QWE", "max_share": 0.5}]}, "shares[0].key"),
        ({"time_limit": MAX_TIME_LIMIT + 1}, "time_limit"),
        ({"objective": "value"}, "objective"),
    ],
)
def test_a_bad_request_is_refused_naming_its_field_and_stores_nothing(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]], body: dict[str, Any], field: str
) -> None:
    response = run_portfolio(world, **body)

    assert response.status_code == 422, response.text
    assert fields_of(response) == [field]
    assert runs(engine) == 0


def test_a_bid_both_mandatory_and_excluded_is_refused(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    bid_id = bids["best"]["id"]

    response = run_portfolio(world, mandatory=[bid_id], excluded=[bid_id])

    assert response.status_code == 422
    assert fields_of(response) == ["body"]


def test_a_shares_footprint_is_named_by_its_id(
    world: World, bids: dict[str, dict[str, Any]]
) -> None:
    # The third bid is the other footprint's: at most a tenth of the funding may go there.
    shares = [{"dimension": "footprint", "key": world.other_footprint["id"], "max_share": 0.1}]

    response = run_portfolio(world, shares=shares)

    assert response.status_code == 201, response.text
    assert bids["third"]["id"] not in response.json()["selected"]


def test_a_retry_with_the_same_idempotency_key_stores_one_run(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    headers = {"Idempotency-Key": "portfolio-2017-1"}
    first = world.chair.post(portfolio_path(world), json={}, headers=headers)
    retry = world.chair.post(portfolio_path(world), json={}, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert runs(engine) == 1
    assert run_portfolio(world).status_code == 201
    assert runs(engine) == 2


def test_a_bid_that_states_no_funding_asks_for_its_costs_in_the_base_year(
    world: World, engine: Engine
) -> None:
    bid = world.submitted_bid()  # no requested funding: its costs as given, 240k
    set_envelope(world, {"total": 1_000_000})
    world.move_round("closed")

    response = run_portfolio(world, objective="npsv")

    assert response.status_code == 201, response.text
    assert response.json()["selected"] == [bid["id"]]
    with Session(engine) as session:
        stored = session.scalars(select(PortfolioRun)).one()
    [built] = stored.request["problem"]["options"]
    assert built["cost"] == {"2017": 240_000}


def test_a_bid_asking_in_a_year_the_envelope_has_no_budget_for_is_a_conflict(
    world: World, engine: Engine
) -> None:
    bid = submitted_bid(world, title="Late", funding={2017: 1_000, 2019: 1_000})
    set_envelope(world, {"by_year": {"2017": 10_000, "2018": 10_000}})
    world.move_round("closed")

    response = run_portfolio(world, objective="npsv")

    assert response.status_code == 409, response.text
    assert bid["id"] in response.json()["detail"]
    assert "2019" in response.json()["detail"]
    assert runs(engine) == 0


def test_a_portfolio_waits_for_the_round_to_close(world: World, engine: Engine) -> None:
    submitted_bid(world, title="Early", funding=1_000)
    set_envelope(world, {"total": 10_000})

    response = run_portfolio(world)

    assert response.status_code == 409
    assert runs(engine) == 0


def test_a_round_without_an_envelope_has_no_portfolio(world: World, engine: Engine) -> None:
    submitted_bid(world, title="Unbounded", funding=1_000)
    world.move_round("closed")

    response = run_portfolio(world)

    assert response.status_code == 409
    assert "no envelope" in response.json()["detail"]
    assert runs(engine) == 0


def test_a_run_of_another_round_is_not_found(world: World, bids: dict[str, dict[str, Any]]) -> None:
    run = run_portfolio(world).json()

    elsewhere = world.admin.get(f"/v1/rounds/{world.other_round['id']}/portfolios/{run['id']}")
    unknown = world.chair.get(f"/v1/rounds/{world.round['id']}/portfolios/{uuid.uuid4()}")

    assert elsewhere.status_code == unknown.status_code == 404


def test_a_decision_naming_another_rounds_portfolio_is_refused(
    world: World, engine: Engine, bids: dict[str, dict[str, Any]]
) -> None:
    run = run_portfolio(world).json()
    with Session(engine) as session, session.begin():
        session.execute(
            PortfolioRun.__table__.update()
            .where(PortfolioRun.id == uuid.UUID(run["id"]))
            .values(round_id=uuid.UUID(world.other_round["id"]))
        )

    response = world.chair.post(
        f"/v1/rounds/{world.round['id']}/decisions",
        json={
            "decisions": [
                {
                    "bid_id": bids["best"]["id"],
                    "outcome": "approved",
                    "rationale": "In the portfolio.",
                    "portfolio_id": run["id"],
                }
            ]
        },
    )

    assert response.status_code == 422
    assert fields_of(response) == ["decisions[0].portfolio_id"]


def test_the_latest_run_is_the_rounds_most_recent_and_the_chairs_to_read(
    world: World, bids: dict[str, dict[str, Any]], engine: Engine
) -> None:
    round_id = uuid.UUID(world.round["id"])

    def latest(caller: Caller) -> PortfolioRunResult | None:
        with Session(engine) as session:
            principal = authenticate(session, SECRET, f"Bearer {caller.key}")
            return PortfolioService(session, principal).latest(round_id)

    assert latest(world.chair) is None
    run_portfolio(world)
    second = run_portfolio(world, objective="npsv").json()

    found = latest(world.chair)
    assert found is not None and str(found.run.id) == second["id"]
    assert list(found.answer.selected) == second["selected"]
    with pytest.raises(Forbidden):
        latest(world.assessor)
