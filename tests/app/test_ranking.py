"""A round's ranking over HTTP: bids ranked from their snapshots and the panel's scores, the
funding line at the envelope, rank stability, and who sees which bids."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from tests.app.conftest import World
from tests.app.ranked_round import Panel, set_envelope, submitted_bid

# The world's round keeps the default criteria: two assessed on 0-5 at 0.25 each, the rest
# computed from the snapshot (the same for bids with the same content).
ASSESSED_WEIGHT = 0.25


def ranking(world: World, query: str = "", caller: Any = None) -> Any:
    return (caller or world.chair).get(f"/v1/rounds/{world.round['id']}/ranking{query}")


@pytest.fixture
def three_bids(world: World) -> dict[str, dict[str, Any]]:
    """Bids asking 100k, 150k and 200k, scored best to worst in that order by two assessors,
    the worst from another footprint; the round closed and its envelope exactly 250k, so the
    second bid sits at the line."""
    bids = {
        "best": submitted_bid(world, title="Best", funding=100_000),
        "second": submitted_bid(world, title="Second", funding=150_000),
        "worst": submitted_bid(world, world.other_office, title="Worst", funding=200_000),
    }
    set_envelope(world, {"total": 250_000})
    world.move_round("closed")
    panel = Panel(world)
    first, second = panel.assessor("A"), panel.assessor("B")
    panel.assess(bids["best"]["id"], first, strategic_fit=5, deliverability=5)
    panel.assess(bids["best"]["id"], second, strategic_fit=3, deliverability=5)
    panel.assess(bids["second"]["id"], first, strategic_fit=4, deliverability=3)
    panel.assess(bids["second"]["id"], second, strategic_fit=4, deliverability=3)
    panel.assess(bids["worst"]["id"], first, strategic_fit=1, deliverability=2)
    panel.assess(bids["worst"]["id"], second, strategic_fit=2, deliverability=1)
    return bids


def by_title(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["title"]: item for item in body["items"]}


def test_bids_rank_by_their_scores_and_the_bid_at_the_envelope_is_inside_the_line(
    world: World, three_bids: dict[str, dict[str, Any]]
) -> None:
    response = ranking(world, "?spread=0")

    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["title"] for item in body["items"]] == ["Best", "Second", "Worst"]
    assert [item["rank"] for item in body["items"]] == [1, 2, 3]
    assert body["envelope"] == 250_000
    assert body["funding_line"] == {"envelope": 250_000, "funded_count": 2, "funded_total": 250_000}
    items = by_title(body)
    assert [items[t]["cumulative_funding"] for t in ("Best", "Second", "Worst")] == [
        100_000,
        250_000,
        450_000,
    ]
    assert [items[t]["inside_line"] for t in ("Best", "Second", "Worst")] == [True, True, False]
    # Weights that do not vary leave every bid where it is, in every draw.
    assert [items[t]["p_above_line"] for t in ("Best", "Second", "Worst")] == [1.0, 1.0, 0.0]
    assert items["Second"]["rank_range"] == [2, 2]
    assert items["Second"]["rank_acceptability"] == {"2": 1.0}
    assert body["stability"] == {"draws": 1000, "spread": 0.0, "seed": 0}
    assert body["unranked"] == [] and body["reversals"] == []


def test_the_weighted_score_is_the_mean_of_the_assessors_weighted_scores(
    world: World, three_bids: dict[str, dict[str, Any]]
) -> None:
    items = by_title(ranking(world).json())

    best, worst = items["Best"], items["Worst"]
    # Their computed criteria are the same, so their weighted scores differ by the assessed.
    assessed_gap = ASSESSED_WEIGHT * (statistics.fmean([5, 3]) + 5 - 1.5 - 1.5)
    assert best["weighted_score"] - worst["weighted_score"] == pytest.approx(assessed_gap)
    assert best["weighted_score"] == pytest.approx(
        sum(term["contribution"] for term in best["criteria"])
    )
    assert best["value_score"] == pytest.approx(sum(t["contribution"] for t in best["terms"]))
    assert [term["name"] for term in best["terms"]] == ["quality", "return"]
    assert best["assessors"] == 2
    assert best["moderated"] is False and best["moderated_score"] is None
    # The assessors of the best bid are 2 apart on strategic fit, 0.4 of the 0-5 scale.
    spread = {s["criterion"]: s for s in best["spread"]}
    assert spread["strategic_fit"]["spread"] == 2
    assert spread["strategic_fit"]["relative_spread"] == pytest.approx(0.4)
    assert spread["strategic_fit"]["disagreement"] is True
    assert spread["deliverability"]["disagreement"] is False
    assert best["disagreement"] is True
    assert items["Second"]["disagreement"] is False


def test_rank_stability_draws_are_seeded(
    world: World, three_bids: dict[str, dict[str, Any]]
) -> None:
    first = ranking(world, "?draws=200&seed=7&spread=0.5").json()
    again = ranking(world, "?draws=200&seed=7&spread=0.5").json()

    assert first == again
    assert first["stability"] == {"draws": 200, "spread": 0.5, "seed": 7}
    for item in first["items"]:
        low, high = item["rank_range"]
        assert low <= item["rank"] <= high
        assert sum(item["rank_acceptability"].values()) == pytest.approx(1.0)


def test_an_envelope_by_year_is_added_up(world: World) -> None:
    bid = submitted_bid(world, title="Only", funding=100_000)
    set_envelope(world, {"by_year": {"2017": 60_000, "2018": 40_000}})
    world.move_round("closed")
    panel = Panel(world)
    panel.assess(bid["id"], panel.assessor("A"), strategic_fit=3, deliverability=3)

    body = ranking(world).json()

    assert body["envelope"] == 100_000
    assert body["items"][0]["inside_line"] is True


def test_a_round_without_an_envelope_has_no_funding_line(world: World) -> None:
    bid = submitted_bid(world, title="Only", funding=100_000)
    world.move_round("closed")
    panel = Panel(world)
    panel.assess(bid["id"], panel.assessor("A"), strategic_fit=3, deliverability=3)

    body = ranking(world).json()

    assert body["envelope"] is None and body["funding_line"] is None
    item = body["items"][0]
    assert item["inside_line"] is None and item["p_above_line"] is None
    assert item["rank_range"] == [1, 1]


def test_a_bid_no_assessor_scored_is_listed_unranked(world: World) -> None:
    bid = submitted_bid(world, title="Unscored", funding=100_000)
    world.move_round("closed")

    body = ranking(world).json()

    assert body["items"] == []
    assert [u["bid_id"] for u in body["unranked"]] == [bid["id"]]
    assert body["unranked"][0]["reason"]


def test_a_moderated_score_ranks_the_bid_beside_the_assessors(world: World) -> None:
    low = submitted_bid(world, title="Low", funding=100_000)
    high = submitted_bid(world, title="High", funding=100_000)
    world.move_round("closed")
    panel = Panel(world)
    assessor = panel.assessor("A")
    panel.assess(low["id"], assessor, strategic_fit=1, deliverability=1)
    panel.assess(high["id"], assessor, strategic_fit=4, deliverability=4)
    before = by_title(ranking(world).json())
    panel.moderate(low["id"], 4.9, "The assessors missed its reach.")

    items = by_title(ranking(world).json())

    assert items["Low"]["rank"] == 1 and items["High"]["rank"] == 2
    assert items["Low"]["moderated"] is True
    assert items["Low"]["moderated_score"] == items["Low"]["weighted_score"] == 4.9
    assert items["Low"]["assessed_weighted_score"] == before["Low"]["weighted_score"]
    assert items["Low"]["moderation_reason"] == "The assessors missed its reach."


def test_the_median_combination_takes_the_median_assessor(world: World) -> None:
    world.reconfigure({"settings": {"combination": "median"}})
    bid = submitted_bid(world, title="Median", funding=100_000)
    world.move_round("closed")
    panel = Panel(world)
    for name, score in (("A", 0), ("B", 1), ("C", 5)):
        panel.assess(bid["id"], panel.assessor(name), strategic_fit=score, deliverability=score)

    body = ranking(world, caller=world.admin).json()  # the world's chair is the old round's

    assert body["combination"] == "median"
    item = body["items"][0]
    computed = sum(
        t["contribution"]
        for t in item["criteria"]
        if t["name"] not in {"strategic_fit", "deliverability"}
    )
    # The median assessor scored 1 on both: the mean (2) would give 0.5 more.
    assert item["weighted_score"] == pytest.approx(computed + 2 * ASSESSED_WEIGHT * 1)


def test_only_a_closed_or_decided_round_is_ranked(world: World) -> None:
    response = ranking(world)

    assert response.status_code == 409
    assert response.json()["type"] == "urn:bpv:problem:conflict"


@pytest.mark.parametrize("query", ["?draws=0", "?draws=10001", "?spread=1", "?seed=-1"])
def test_stability_parameters_out_of_bounds_are_refused(
    world: World, three_bids: dict[str, dict[str, Any]], query: str
) -> None:
    response = ranking(world, query)

    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query"


def test_a_programme_office_sees_only_its_own_footprints_bids(
    world: World, three_bids: dict[str, dict[str, Any]]
) -> None:
    chair = ranking(world, "?spread=0").json()
    office = ranking(world, "?spread=0", world.office).json()
    other = ranking(world, "?spread=0", world.other_office).json()

    assert [i["title"] for i in office["items"]] == ["Best", "Second"]
    assert [i["title"] for i in other["items"]] == ["Worst"]
    # The ranks are the round's; the totals that would tell another footprint's requests are
    # withheld, the rest is as the chair sees it.
    assert other["items"][0]["rank"] == 3
    withheld = {"cumulative_funding": None}
    for item in office["items"] + other["items"]:
        assert item["cumulative_funding"] is None
        assert {**by_title(chair)[item["title"]], **withheld} == item
    assert office["funding_line"] == {**chair["funding_line"], "funded_total": None}


def test_assessors_and_integrations_may_not_read_a_ranking_and_other_rounds_do_not_exist(
    world: World, three_bids: dict[str, dict[str, Any]]
) -> None:
    other_chair = world.key("chair", round_id=world.other_round["id"])

    assert ranking(world, caller=world.assessor).status_code == 403
    assert ranking(world, caller=world.integration).status_code == 403
    assert ranking(world, caller=other_chair).status_code == 404
    assert ranking(world, caller=world.admin).status_code == 200


def test_a_draft_round_does_not_exist_for_a_programme_office(world: World) -> None:
    draft = world.admin.created("/v1/rounds", {"name": "Later", "programme_areas": ["cancer"]})

    response = world.office.get(f"/v1/rounds/{draft['id']}/ranking")

    assert response.status_code == 404


def test_an_assessor_who_declares_a_conflict_no_longer_counts(world: World) -> None:
    bid = submitted_bid(world, title="Conflicted", funding=100_000)
    world.move_round("closed")
    panel = Panel(world)
    fair, conflicted = panel.assessor("Fair"), panel.assessor("Conflicted")
    panel.assess(bid["id"], fair, strategic_fit=2, deliverability=2)
    panel.assess(bid["id"], conflicted, strategic_fit=5, deliverability=5)
    before = ranking(world).json()["items"][0]

    conflicted.created(
        f"/v1/rounds/{world.round['id']}/conflicts",
        {"footprint_id": world.footprint["id"], "reason": "I work in this footprint."},
    )
    after = ranking(world).json()["items"][0]

    assert (before["assessors"], after["assessors"]) == (2, 1)
    assert after["weighted_score"] == pytest.approx(
        before["weighted_score"] - ASSESSED_WEIGHT * (3.5 - 2) * 2
    )
