"""Ranking a round's bids: order, moderation, the funding line and the rank-reversal check."""

from __future__ import annotations

import math

import pytest

from bpv.errors import InvalidInput
from bpv.ranking import FundingLine, RankReversal, StabilitySettings, rank_bids
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


def ids(ranking: object) -> list[str]:
    return [item.bid_id for item in ranking.items]  # type: ignore[attr-defined]


def test_bids_rank_by_value_then_weighted_score_then_id() -> None:
    # Value = 0.5 x quality + 0.5 x min(BCR, 1): "hi-q" 0.5 x 0.8 + 0.5 x 0.5 equals
    # "hi-r" 0.5 x 0.6 + 0.5 x 0.7, and the higher weighted score goes first.
    settings = ValueSettings(0.5, 0.5, ReturnMeasure.BCR_LINEAR, bcr_cap=1.0)
    bids = [
        bid("hi-r", (3, 3), bcr=0.7),
        bid("twin-b", (2, 2), bcr=0.2),
        bid("hi-q", (4, 4), bcr=0.5),
        bid("twin-a", (2, 2), bcr=0.2),
        bid("best", (5, 5), bcr=1.0),
    ]
    ranking = rank_bids(TWO, bids, value=settings, stability=None)
    assert ids(ranking) == ["best", "hi-q", "hi-r", "twin-a", "twin-b"]
    assert [item.rank for item in ranking.items] == [1, 2, 3, 4, 5]
    assert ranking.items[1].value.score == pytest.approx(0.65)
    assert ranking.items[2].value.score == pytest.approx(0.65)


def test_the_median_combination_ranks_by_the_median_assessor() -> None:
    # "split" has assessors at 5, 0 and 3.5: its mean 2.83 is below "steady"'s 3, its median
    # 3.5 above it.
    bids = [bid("steady", (3, 3), (3, 3), (3, 3)), bid("split", (5, 5), (0, 0), (3.5, 3.5))]
    mean = rank_bids(TWO, bids, value=QUALITY_ONLY, stability=None)
    median = rank_bids(
        TWO, bids, value=QUALITY_ONLY, combination=Combination.MEDIAN, stability=None
    )
    assert ids(mean) == ["steady", "split"]
    assert mean.items[1].weighted_score == pytest.approx(8.5 / 3)
    assert ids(median) == ["split", "steady"]
    assert median.items[0].weighted_score == pytest.approx(3.5)


def test_a_moderated_score_stands_and_an_unscored_bid_is_not_ranked() -> None:
    bids = [
        bid("assessed", (4, 4)),
        bid("moderated down", (5, 5), moderated=2.0),
        bid("chair only", moderated=3.0),
        bid("unscored"),
    ]
    ranking = rank_bids(TWO, bids, value=QUALITY_ONLY, stability=None)
    assert ids(ranking) == ["assessed", "chair only", "moderated down"]
    by_id = {item.bid_id: item for item in ranking.items}
    assert by_id["moderated down"].moderated
    assert by_id["moderated down"].weighted_score == 2.0
    assert by_id["moderated down"].combined is not None
    assert by_id["moderated down"].combined.weighted_score == 5.0
    assert by_id["chair only"].combined is None
    assert [u.bid_id for u in ranking.unranked] == ["unscored"]
    assert "no moderated score" in ranking.unranked[0].reason


def test_a_framework_of_computed_criteria_ranks_bids_no_assessor_scored() -> None:
    computed = CriteriaFramework(
        "1",
        (Criterion("confidence", "Confidence", 1.0, Scale(0, 10), CriterionSource.COMPUTED),),
    )
    bids = [
        bid("low", computed={"confidence": ComputedScore("confidence", 4.0, 0.4, "")}),
        bid("high", computed={"confidence": ComputedScore("confidence", 9.0, 0.9, "")}),
    ]
    ranking = rank_bids(computed, bids, value=QUALITY_ONLY, stability=StabilitySettings(draws=10))
    assert ids(ranking) == ["high", "low"]
    assert ranking.unranked == ()
    assert ranking.items[0].value.score == pytest.approx(0.9)


def test_a_bid_exactly_at_the_envelope_is_inside_the_line_and_the_next_is_out() -> None:
    # Clear gaps in every criterion: no weight draw reorders these bids.
    bids = [
        bid("first", (5, 5), asked=100_000.10),
        bid("second", (4, 4), asked=200_000.20),
        bid("third", (3, 3), asked=50_000.0),
        bid("fourth", (2, 2), asked=0.0),
    ]
    ranking = rank_bids(TWO, bids, value=QUALITY_ONLY, envelope=300_000.30)
    assert [item.inside_line for item in ranking.items] == [True, True, False, False]
    assert [item.cumulative_funding for item in ranking.items] == pytest.approx(
        [100_000.10, 300_000.30, 350_000.30, 350_000.30]
    )
    assert ranking.funding_line == FundingLine(300_000.30, 2, pytest.approx(300_000.30))
    assert [item.p_above_line for item in ranking.items] == [1.0, 1.0, 0.0, 0.0]
    assert [item.rank_range for item in ranking.items] == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_without_an_envelope_there_is_no_line() -> None:
    ranking = rank_bids(TWO, [bid("only", (4, 4))], value=QUALITY_ONLY)
    assert ranking.funding_line is None
    assert ranking.items[0].inside_line is None
    assert ranking.items[0].p_above_line is None
    assert ranking.items[0].rank_acceptability == {1: 1.0}


def round_npsv(scaling: ReturnScaling) -> ValueSettings:
    return ValueSettings(0.5, 0.5, ReturnMeasure.NPSV_PER_POUND, return_scaling=scaling)


# NPSV per pound 2.5, 3 and 1 with quality 1, 0.6 and 0. On the round's 1 to 3, "x" scores
# 0.5 x 1 + 0.5 x 0.75 = 0.875 above "y" 0.5 x 0.6 + 0.5 x 1 = 0.8. Without "z", the round runs
# from 2.5 to 3: "x" drops to 0.5 + 0 and falls below "y".
REVERSIBLE = [
    bid("x", (5, 5), npsv=250_000.0),
    bid("y", (3, 3), npsv=300_000.0),
    bid("z", (0, 0), npsv=100_000.0),
]


def test_removing_the_bid_with_the_rounds_lowest_return_reverses_two_others() -> None:
    ranking = rank_bids(TWO, REVERSIBLE, value=round_npsv(ReturnScaling.ROUND), stability=None)
    assert ids(ranking) == ["x", "y", "z"]
    assert ranking.items[0].value.score == pytest.approx(0.875)
    assert ranking.reversals == (RankReversal("z", (("x", "y"),)),)


def test_fixed_scaling_never_reverses_ranks() -> None:
    ranking = rank_bids(TWO, REVERSIBLE, value=round_npsv(ReturnScaling.FIXED), stability=None)
    assert ids(ranking) == ["x", "y", "z"]
    assert ranking.reversals == ()


def test_a_return_shared_by_two_bids_keeps_the_range_when_one_leaves() -> None:
    shared = [*REVERSIBLE, bid("w", (0, 0), npsv=100_000.0)]
    ranking = rank_bids(TWO, shared, value=round_npsv(ReturnScaling.ROUND), stability=None)
    assert ranking.reversals == ()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"envelope": -1.0}, "envelope"),
        ({"envelope": math.nan}, "envelope"),
        ({"bids": [bid("a", (1, 1)), bid("a", (2, 2))]}, "bids[1].bid_id"),
        ({"bids": [bid("a", (1, 1)), bid("b", (2, 9))]}, "bids[1].assessments[0].scores[1].score"),
        ({"bids": [bid("a", (1, 1), moderated=6.0)]}, "bids[0].moderated_score"),
        ({"bids": [bid("a", (1, 1), asked=-5.0)]}, "bids[0].returns.requested_funding"),
        ({"value": ValueSettings(0.7, 0.4)}, "value"),
        ({"disagreement_tolerance": 2.0}, "disagreement_tolerance"),
    ],
)
def test_bad_input_is_named(change: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"bids": [bid("a", (1, 1))], "value": QUALITY_ONLY}
    arguments.update(change)
    with pytest.raises(InvalidInput) as error:
        rank_bids(TWO, **arguments)  # type: ignore[arg-type]
    assert error.value.field == field


def test_a_ranking_refuses_to_count_return_twice() -> None:
    with_return = CriteriaFramework(
        "1",
        (
            Criterion("fit", "Fit", 0.7, Scale(0, 5)),
            Criterion("bcr_band", "VfM", 0.3, Scale(0, 5), CriterionSource.COMPUTED),
        ),
    )
    with pytest.raises(InvalidInput) as error:
        rank_bids(with_return, [], value=ValueSettings(0.5, 0.5))
    assert error.value.field == "value.return_weight"
