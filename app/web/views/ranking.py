"""The round page's ranking: each bid's row with its rank range drawn as a bar on the ranks'
axis, the funding line marked, the moderation flags, and the value-for-money chart's data."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from app.schemas.ranking import RankedBidOut, RankingOut
from app.web.views.formats import number, percent, pounds, short_pounds
from app.web.views.scales import LinearScale, nice_ticks

BAR_WIDTH = 160
BAR_HEIGHT = 24
BAR_PAD = 8

# NHS identity colours.
NHS_BLUE = "#005eb8"
NHS_DARK_GREEN = "#007f3b"
NHS_RED = "#d5281b"
NHS_MID_GREY = "#768692"
NHS_DARK_GREY = "#425563"


@dataclass(frozen=True)
class Selection:
    """The bids a chart highlights as the selected portfolio, and where that set comes from."""

    bid_ids: frozenset[uuid.UUID]
    source: str

    @classmethod
    def of(
        cls,
        ranking: RankingOut,
        portfolio: Collection[uuid.UUID] | None,
        portfolio_label: str,
        approved: Collection[uuid.UUID],
    ) -> Selection:
        """The latest portfolio run's set if there is one, else the bids the panel approved,
        else the bids inside the funding line."""
        if portfolio is not None:
            return cls(frozenset(portfolio), portfolio_label)
        if approved:
            return cls(frozenset(approved), "approved by the panel's decisions")
        inside = frozenset(item.bid_id for item in ranking.items if item.inside_line)
        return cls(inside, "inside the funding line")


@dataclass(frozen=True)
class RankBar:
    """A row's drawing: the P5 to P95 rank range as a bar, its rank as a dot, the funding line."""

    x: float
    width: float
    dot: float
    line: float | None
    label: str


@dataclass(frozen=True)
class RankRow:
    bid_id: uuid.UUID
    title: str
    rank: int
    value_score: str
    weighted_score: str
    requested_funding: str
    cumulative_funding: str
    inside_line: bool | None
    p_above_line: str
    rank_range: str
    bar: RankBar
    moderated: bool
    moderated_score: str
    moderation_reason: str | None
    disagreement: bool
    disagreement_criteria: tuple[str, ...]
    assessors: int
    selected: bool
    outcome: str | None
    line_below: bool
    """The funding line falls between this row and the next."""


@dataclass(frozen=True)
class RankingView:
    rows: tuple[RankRow, ...]
    envelope: str
    funded_count: int | None
    funded_total: str
    selection: Selection
    flagged: tuple[RankRow, ...]
    """Rows the panel's disagreement flags for moderation, or that carry a moderated score."""
    stability: str
    unranked: tuple[tuple[uuid.UUID, str], ...]
    chart: dict[str, Any]
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT


def ranking_view(
    ranking: RankingOut,
    selection: Selection,
    outcomes: Mapping[uuid.UUID, str],
    criteria_names: Mapping[str, str],
) -> RankingView:
    """The ranking as the round page shows it."""
    count = len(ranking.items)
    line = ranking.funding_line
    funded = None if line is None else line.funded_count
    axis = LinearScale(0.5, count + 0.5, BAR_PAD, BAR_WIDTH - BAR_PAD)
    rows = tuple(
        _row(item, axis, funded, count, selection, outcomes, criteria_names)
        for item in ranking.items
    )
    stability = ranking.stability
    return RankingView(
        rows=rows,
        envelope=pounds(ranking.envelope),
        funded_count=funded,
        funded_total=pounds(None if line is None else line.funded_total),
        selection=selection,
        flagged=tuple(row for row in rows if row.disagreement or row.moderated),
        stability=f"{stability.draws:,} weight draws, each weight varied by up to "
        f"{percent(stability.spread)} (seed {stability.seed})",
        unranked=tuple((item.bid_id, item.reason) for item in ranking.unranked),
        chart=value_for_money_chart(ranking, selection),
    )


def _row(
    item: RankedBidOut,
    axis: LinearScale,
    funded: int | None,
    count: int,
    selection: Selection,
    outcomes: Mapping[uuid.UUID, str],
    criteria_names: Mapping[str, str],
) -> RankRow:
    low, high = item.rank_range if item.rank_range is not None else (item.rank, item.rank)
    left, right = axis(low - 0.5), axis(high + 0.5)
    range_text = f"{low}" if low == high else f"{low} to {high}"
    bar = RankBar(
        x=round(left, 2),
        width=round(right - left, 2),
        dot=round(axis(item.rank), 2),
        line=None if funded is None else round(axis(funded + 0.5), 2),
        label=f"Rank {item.rank} of {count}; P5 to P95 rank {range_text}"
        + ("" if funded is None else f"; the funding line falls after rank {funded}"),
    )
    return RankRow(
        bid_id=item.bid_id,
        title=item.title,
        rank=item.rank,
        value_score=number(item.value_score, 3),
        weighted_score=number(item.weighted_score, 2),
        requested_funding=pounds(item.requested_funding),
        cumulative_funding=pounds(item.cumulative_funding),
        inside_line=item.inside_line,
        p_above_line=percent(item.p_above_line),
        rank_range=range_text,
        bar=bar,
        moderated=item.moderated,
        moderated_score=number(item.moderated_score, 2),
        moderation_reason=item.moderation_reason,
        disagreement=item.disagreement,
        disagreement_criteria=tuple(
            criteria_names.get(s.criterion, s.criterion) for s in item.spread if s.disagreement
        ),
        assessors=item.assessors,
        selected=item.bid_id in selection.bid_ids,
        outcome=outcomes.get(item.bid_id),
        line_below=funded is not None and item.rank == funded and funded < count,
    )


def value_for_money_chart(ranking: RankingOut, selection: Selection) -> dict[str, Any]:
    """A chart.js scatter: each bid's requested funding against its value score, the selected
    portfolio highlighted, the envelope as an upright line and the funding line across at the
    value score that separates the bids inside it from those below."""
    items = ranking.items
    costs = [item.requested_funding for item in items]
    top = max([*costs, ranking.envelope or 0.0, 1.0])
    x_max = nice_ticks(0.0, top * 1.05)[-1]

    def mark(item: RankedBidOut) -> dict[str, Any]:
        return {
            "x": item.requested_funding,
            "y": item.value_score,
            "label": f"{item.rank}. {item.title}",
        }

    chosen = [mark(item) for item in items if item.bid_id in selection.bid_ids]
    others = [mark(item) for item in items if item.bid_id not in selection.bid_ids]
    datasets: list[dict[str, Any]] = [
        _points(f"Selected portfolio ({selection.source})", chosen, NHS_DARK_GREEN, "rectRot", 9),
        _points("Not selected", others, NHS_MID_GREY, "circle", 6),
    ]
    if ranking.envelope is not None:
        datasets.append(
            _rule(
                f"Envelope ({short_pounds(ranking.envelope)}): no bid beyond it fits",
                [{"x": ranking.envelope, "y": 0}, {"x": ranking.envelope, "y": 1}],
                NHS_RED,
            )
        )
    threshold = funding_threshold(ranking)
    if threshold is not None:
        datasets.append(
            _rule(
                "Funding line: bids above it are inside, in rank order",
                [{"x": 0, "y": threshold}, {"x": x_max, "y": threshold}],
                NHS_BLUE,
            )
        )
    return {
        "type": "scatter",
        "data": {"datasets": datasets},
        "options": {
            "animation": False,
            "maintainAspectRatio": False,
            "scales": {
                "x": {
                    "type": "linear",
                    "min": 0,
                    "max": x_max,
                    "title": {"display": True, "text": "Requested funding (cost)"},
                    "ticks": {"format": "pounds"},
                },
                "y": {
                    "min": 0,
                    "max": 1,
                    "title": {"display": True, "text": "Value score (quality and return)"},
                },
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


def funding_threshold(ranking: RankingOut) -> float | None:
    """The value score midway between the last bid inside the funding line and the first
    below it; None without a line, or when every bid or none is inside."""
    line = ranking.funding_line
    if line is None or not 0 < line.funded_count < len(ranking.items):
        return None
    inside = ranking.items[line.funded_count - 1].value_score
    below = ranking.items[line.funded_count].value_score
    return (inside + below) / 2


def _points(
    label: str, data: list[dict[str, Any]], colour: str, style: str, radius: int
) -> dict[str, Any]:
    return {
        "label": label,
        "data": data,
        "backgroundColor": colour,
        "borderColor": NHS_DARK_GREY,
        "pointStyle": style,
        "pointRadius": radius,
        "pointHoverRadius": radius + 2,
    }


def _rule(label: str, data: list[dict[str, Any]], colour: str) -> dict[str, Any]:
    return {
        "label": label,
        "type": "line",
        "data": data,
        "borderColor": colour,
        "backgroundColor": colour,
        "borderDash": [6, 4],
        "borderWidth": 2,
        "pointRadius": 0,
        "pointHoverRadius": 0,
    }
