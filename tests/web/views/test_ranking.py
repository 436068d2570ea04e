"""The round page's ranking: rank-range bars on the ranks' axis, the funding line, the flags for
moderation, and the value-for-money chart's marks and lines."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.schemas.ranking import RankingOut
from app.web.views.ranking import (
    BAR_PAD,
    BAR_WIDTH,
    Selection,
    funding_threshold,
    ranking_view,
)

IDS = [uuid.UUID(int=n) for n in range(1, 6)]


def item(rank: int, value: float, cost: float, **fields: Any) -> dict[str, Any]:
    return {
        "bid_id": str(IDS[rank - 1]),
        "title": f"Bid {rank}",
        "footprint_id": str(uuid.UUID(int=99)),
        "rank": rank,
        "weighted_score": 3.0,
        "assessed_weighted_score": 3.0,
        "moderated_score": None,
        "moderated": False,
        "value_score": value,
        "terms": [],
        "criteria": [],
        "spread": [],
        "disagreement": False,
        "assessors": 3,
        "requested_funding": cost,
        "cumulative_funding": None,
        "inside_line": rank <= 3,
        "rank_range": [rank, rank],
        "p_above_line": 1.0 if rank <= 3 else 0.0,
        "rank_acceptability": None,
        **fields,
    }


def ranking(*items: dict[str, Any], funded: int | None = 3) -> RankingOut:
    return RankingOut.model_validate(
        {
            "round_id": str(uuid.UUID(int=100)),
            "criteria_version": 1,
            "settings_version": 1,
            "combination": "mean",
            "envelope": 6_000_000.0 if funded is not None else None,
            "funding_line": None
            if funded is None
            else {"envelope": 6_000_000.0, "funded_count": funded, "funded_total": 5_000_000.0},
            "stability": {"draws": 1000, "spread": 0.2, "seed": 0},
            "items": list(items),
            "unranked": [],
            "reversals": [],
        }
    )


def five_bids(**second: Any) -> RankingOut:
    return ranking(
        item(1, 0.9, 2_000_000),
        item(2, 0.8, 1_000_000, **second),
        item(3, 0.7, 2_000_000),
        item(4, 0.5, 1_500_000),
        item(5, 0.3, 500_000),
    )


def inside(out: RankingOut) -> Selection:
    return Selection.of(out, None, "", approved=())


def test_a_rank_range_is_a_bar_across_the_ranks_it_spans() -> None:
    out = five_bids(rank_range=[2, 4])
    row = ranking_view(out, inside(out), {}, {}).rows[1]
    slot = (BAR_WIDTH - 2 * BAR_PAD) / 5
    assert row.bar.x == pytest.approx(BAR_PAD + slot)  # from the left edge of rank 2
    assert row.bar.width == pytest.approx(3 * slot)  # ranks 2, 3 and 4
    assert row.rank_range == "2 to 4"


def test_the_funding_line_falls_after_the_last_bid_inside_it() -> None:
    out = five_bids()
    view = ranking_view(out, inside(out), {}, {})
    slot = (BAR_WIDTH - 2 * BAR_PAD) / 5
    assert [row.bar.line for row in view.rows] == [pytest.approx(BAR_PAD + 3 * slot)] * 5
    assert [row.line_below for row in view.rows] == [False, False, True, False, False]
    assert funding_threshold(out) == pytest.approx((0.7 + 0.5) / 2)


def test_no_funding_line_without_an_envelope() -> None:
    out = ranking(item(1, 0.9, 1.0), item(2, 0.8, 1.0), funded=None)
    view = ranking_view(out, inside(out), {}, {})
    assert all(row.bar.line is None and not row.line_below for row in view.rows)
    assert funding_threshold(out) is None


def test_disagreement_and_moderation_are_flagged_with_the_criteria_named() -> None:
    spread = [
        {"criterion": "deliverability", "spread": 4, "relative_spread": 0.8, "disagreement": True},
        {"criterion": "strategic_fit", "spread": 1, "relative_spread": 0.2, "disagreement": False},
    ]
    out = five_bids(disagreement=True, spread=spread, moderated=True, moderated_score=3.2)
    view = ranking_view(out, inside(out), {}, {"deliverability": "Deliverability"})
    (flagged,) = view.flagged
    assert flagged.title == "Bid 2"
    assert flagged.disagreement_criteria == ("Deliverability",)
    assert flagged.moderated_score == "3.20"


def test_a_portfolio_run_is_the_selection_before_decisions_and_the_line() -> None:
    out = five_bids()
    assert Selection.of(out, {IDS[4]}, "portfolio run", approved={IDS[0]}).bid_ids == {IDS[4]}
    assert Selection.of(out, None, "", approved={IDS[0]}).bid_ids == {IDS[0]}
    assert Selection.of(out, None, "", approved=()).bid_ids == set(IDS[:3])


def test_the_chart_highlights_the_selection_and_draws_the_envelope() -> None:
    out = five_bids()
    selection = Selection.of(out, {IDS[1], IDS[4]}, "the latest portfolio run", approved=())
    chart = ranking_view(out, selection, {}, {}).chart
    chosen, others, envelope, line = chart["data"]["datasets"]
    assert [mark["label"] for mark in chosen["data"]] == ["2. Bid 2", "5. Bid 5"]
    assert {(mark["x"], mark["y"]) for mark in others["data"]} == {
        (2_000_000, 0.9),
        (2_000_000, 0.7),
        (1_500_000, 0.5),
    }
    assert {point["x"] for point in envelope["data"]} == {6_000_000.0}
    assert [point["y"] for point in line["data"]] == [pytest.approx(0.6)] * 2
    assert chart["options"]["scales"]["x"]["max"] >= 6_000_000
