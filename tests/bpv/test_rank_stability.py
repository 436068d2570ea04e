"""Rank stability under drawn weights: rank ranges, the chance of funding, rank acceptability."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from bpv.errors import InvalidInput
from bpv.ranking import BidToRank, Ranking, StabilitySettings, drawn_weights, rank_bids
from bpv.scoring import (
    Combination,
    ComputedScore,
    CriteriaFramework,
    Criterion,
    CriterionSource,
    ReturnMeasure,
    ReturnScaling,
    Scale,
    ValueSettings,
)
from tests.bpv.bids_to_rank import bid, framework

QUALITY_ONLY = ValueSettings(1.0, 0.0)
TWO = framework(0.5, 0.5)
# "on a" is strong on the first criterion, "on b" on the second; they are nearly level.
RIVALS = [bid("on a", (5, 1)), bid("on b", (1.1, 4.9)), bid("behind", (1, 1))]


def test_two_near_equal_bids_swap_as_the_weights_vary() -> None:
    ranking = rank_bids(TWO, RIVALS, value=QUALITY_ONLY, stability=StabilitySettings(seed=7))
    first, second, third = ranking.items
    assert (first.bid_id, second.bid_id) == ("on a", "on b")
    assert first.rank_range == second.rank_range == (1, 2)
    assert third.rank_range == (3, 3)
    for item in (first, second):
        assert item.rank_acceptability is not None
        assert set(item.rank_acceptability) == {1, 2}
        assert math.fsum(item.rank_acceptability.values()) == pytest.approx(1.0)
    assert first.rank_acceptability[1] + second.rank_acceptability[1] == pytest.approx(1.0)  # type: ignore[index]
    assert third.rank_acceptability == {3: 1.0}


def test_when_value_ties_the_weighted_score_decides_in_every_draw() -> None:
    # Return alone makes the value score: the three tie on it, and each draw's weighted scores
    # order them, as in the base ranking.
    return_only = ValueSettings(0.0, 1.0)
    ranking = rank_bids(TWO, RIVALS, value=return_only, stability=StabilitySettings(seed=7))
    assert [item.value.score for item in ranking.items] == [0.75] * 3
    assert [item.rank_range for item in ranking.items] == [(1, 2), (1, 2), (3, 3)]


def test_the_same_seed_gives_the_same_answer() -> None:
    def run(seed: int) -> Ranking:
        return rank_bids(TWO, RIVALS, value=QUALITY_ONLY, stability=StabilitySettings(seed=seed))

    assert run(11) == run(11)
    assert run(11).items[0].rank_acceptability != run(12).items[0].rank_acceptability


def test_with_no_spread_every_draw_is_the_base_ranking() -> None:
    ranking = rank_bids(
        TWO, RIVALS, value=QUALITY_ONLY, envelope=100_000.0, stability=StabilitySettings(spread=0)
    )
    for item in ranking.items:
        assert item.rank_range == (item.rank, item.rank)
        assert item.rank_acceptability == {item.rank: 1.0}
        assert item.p_above_line == (1.0 if item.rank == 1 else 0.0)


def test_drawn_weights_sum_to_one_within_the_spread() -> None:
    three = framework(0.2, 0.3, 0.5)
    weights = drawn_weights(three, StabilitySettings(draws=500, spread=0.25, seed=3))
    assert weights.shape == (3, 500)
    assert np.allclose(weights.sum(axis=0), 1.0)
    ratios = weights / weights[2]
    base = np.array([0.2 / 0.5, 0.3 / 0.5, 1.0])
    assert (ratios >= base[:, np.newaxis] * 0.75 / 1.25 - 1e-12).all()
    assert (ratios <= base[:, np.newaxis] * 1.25 / 0.75 + 1e-12).all()
    assert np.array_equal(weights, drawn_weights(three, StabilitySettings(500, 0.25, 3)))


@pytest.mark.parametrize(
    ("settings", "field"),
    [({"draws": 0}, "draws"), ({"draws": 10_001}, "draws"), ({"spread": 1.0}, "spread"),
     ({"spread": -0.1}, "spread"), ({"seed": -1}, "seed"), ({"seed": 2**53}, "seed")],
)  # fmt: skip
def test_bad_stability_settings_are_named(settings: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        StabilitySettings(**settings)  # type: ignore[arg-type]
    assert error.value.field == field


def reference_stability(
    framework: CriteriaFramework,
    bids: list[BidToRank],
    ranking: Ranking,
    settings: StabilitySettings,
    envelope: float,
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Per bid, its rank in each draw and how many draws fund it, one draw at a time."""
    given = {b.bid_id: b for b in bids}
    quality_weight = 1.0 - ranking.items[0].value.terms[1].weight
    ranks: dict[str, list[int]] = {item.bid_id: [] for item in ranking.items}
    funded = dict.fromkeys(ranks, 0)
    for w in drawn_weights(framework, settings).T:
        low = sum(wc * c.scale.min for wc, c in zip(w, framework.criteria, strict=True))
        high = sum(wc * c.scale.max for wc, c in zip(w, framework.criteria, strict=True))
        keys = []
        for position, item in enumerate(ranking.items):
            moderated = given[item.bid_id].moderated_score
            score = moderated or 0.0
            if item.combined is not None:
                each = [sum(wc * t.value for wc, t in zip(w, a.score.terms, strict=True))
                        for a in item.combined.by_assessor]  # fmt: skip
                mean = item.combined.combination is Combination.MEAN
                drawn = statistics.fmean(each) if mean else statistics.median(each)
                offset = 0.0 if moderated is None else moderated - item.combined.weighted_score
                score = drawn + offset
            quality = min(max((score - low) / (high - low), 0.0), 1.0)
            value = quality_weight * quality + item.value.terms[1].contribution
            keys.append((-round(value, 9), -round(score, 9), position, item.bid_id))
        total = 0.0
        for rank, (*_, bid_id) in enumerate(sorted(keys), start=1):
            total += given[bid_id].returns.requested_funding
            ranks[bid_id].append(rank)
            funded[bid_id] += total <= envelope + 0.005
    return ranks, funded


def random_round() -> tuple[CriteriaFramework, list[BidToRank]]:
    """Nine bids with one to four assessors on criteria of different scales and a computed
    criterion; "bid 2" is moderated, "bid 8" stands on its moderation alone."""
    rng = np.random.default_rng(2017)
    round_framework = CriteriaFramework(
        "1",
        (
            Criterion("c0", "c0", 0.3, Scale(0, 5)),
            Criterion("c1", "c1", 0.2, Scale(1, 4)),
            Criterion("c2", "c2", 0.25, Scale(0, 10)),
            Criterion("confidence", "Confidence", 0.25, Scale(0, 5), CriterionSource.COMPUTED),
        ),
    )
    bids = []
    for i in range(9):
        count = 0 if i == 8 else int(rng.integers(1, 5))
        assessors = [
            (rng.uniform(0, 5), rng.uniform(1, 4), rng.uniform(0, 10)) for _ in range(count)
        ]
        confidence = float(rng.uniform(0, 1))
        bids.append(
            bid(
                f"bid {i}",
                *assessors,
                asked=float(rng.uniform(1e5, 5e5)),
                bcr=float(rng.uniform(0.5, 4)),
                moderated=float(rng.uniform(1, 5)) if i in (2, 8) else None,
                computed={
                    "confidence": ComputedScore("confidence", 5 * confidence, confidence, "")
                },
            )
        )
    return round_framework, bids


@pytest.mark.parametrize("combination", [Combination.MEAN, Combination.MEDIAN])
def test_the_vectorised_stability_matches_one_draw_at_a_time(combination: Combination) -> None:
    round_framework, bids = random_round()
    settings = StabilitySettings(draws=300, spread=0.5, seed=5)
    value = ValueSettings(0.6, 0.4, ReturnMeasure.BCR_LINEAR, return_scaling=ReturnScaling.ROUND)
    envelope = 1_000_000.0
    ranking = rank_bids(round_framework, bids, value=value, combination=combination,
                        envelope=envelope, stability=settings)  # fmt: skip
    expected_ranks, expected_funded = reference_stability(
        round_framework, bids, ranking, settings, envelope
    )
    moved = 0
    for item in ranking.items:
        ranks, funded = expected_ranks[item.bid_id], expected_funded[item.bid_id]
        ordered = sorted(ranks)
        # Inverted CDF: the smallest rank whose share of draws reaches 5% (95%).
        assert item.rank_range == (
            ordered[-(-5 * 300 // 100) - 1],
            ordered[-(-95 * 300 // 100) - 1],
        )
        assert item.p_above_line == pytest.approx(funded / 300)
        assert item.rank_acceptability == {
            r: pytest.approx(ranks.count(r) / 300) for r in set(ranks)
        }
        moved += len(set(ranks)) > 1
    assert moved >= 4, "the case should move ranks about"


def test_a_stability_run_over_its_cell_budget_is_refused_naming_draws() -> None:
    many = [bid(f"bid {n:04}", (n % 5, (n * 3) % 5)) for n in range(600)]

    with pytest.raises(InvalidInput) as refused:
        rank_bids(TWO, many, value=QUALITY_ONLY, stability=StabilitySettings(draws=10_000))

    assert refused.value.field == "draws"
    assert "8,333" in refused.value.message  # the most draws 600 bids may take
    within = rank_bids(TWO, many[:5], value=QUALITY_ONLY, stability=StabilitySettings(draws=10_000))
    assert len(within.items) == 5
