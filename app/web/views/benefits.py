"""The bid page's benefits, once funded: per indicator, the predicted trajectory against the
realised levels with each period's RAG, the verdict on its hypothesis, and the bid's money."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.schemas.benefits import BidBenefitsOut, IndicatorOut
from app.web.views.formats import NONE, number, percent, pounds
from app.web.views.ranking import NHS_BLUE, NHS_DARK_GREEN, NHS_DARK_GREY, NHS_RED

RAG_COLOURS = {"green": NHS_DARK_GREEN, "amber": "#ffb81c", "red": NHS_RED}
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
VERDICT_TAGS = {
    "confirmed": "green",
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "refuted": "red",
    "no_data": "grey",
}


@dataclass(frozen=True)
class PeriodRow:
    period: str
    predicted: str
    realised: str
    variance: str
    rag: str


@dataclass(frozen=True)
class IndicatorView:
    key: str
    indicator: str
    unit: str
    direction: str
    verdict: str
    verdict_tag: str
    reason: str
    rag_counts: str
    periods: tuple[PeriodRow, ...]
    chart: dict[str, Any]
    description: str


@dataclass(frozen=True)
class BenefitsView:
    as_of: str
    predicted: str
    realised: str
    predicted_measured: str
    realised_roi: str
    planned_spend: str
    actual_spend: str
    indicators: tuple[IndicatorView, ...]


def benefits_view(report: BidBenefitsOut) -> BenefitsView:
    reasons = {h.id: h.reason for h in report.hypotheses}
    return BenefitsView(
        as_of=report.as_of.strftime("%d %B %Y"),
        predicted=pounds(report.predicted_benefits),
        realised=pounds(report.realised_benefits),
        predicted_measured=pounds(report.predicted_benefits_measured),
        realised_roi=percent(report.realised_roi, 0),
        planned_spend=pounds(report.spend.planned),
        actual_spend=pounds(report.spend.actual),
        indicators=tuple(
            indicator_view(index, item, reasons.get(item.hypothesis_id, ""))
            for index, item in enumerate(report.indicators)
        ),
    )


def indicator_view(index: int, item: IndicatorOut, reason: str) -> IndicatorView:
    due = [p for p in item.periods if p.due]
    counts = {rag: sum(1 for p in due if p.rag == rag) for rag in RAG_WORDS}
    missing = sum(1 for p in due if p.missing)
    rag_counts = ", ".join(f"{n} {RAG_WORDS[rag].lower()}" for rag, n in counts.items() if n)
    if missing:
        rag_counts += f"{', ' if rag_counts else ''}{missing} missing"
    verdict = str(item.verdict)
    return IndicatorView(
        key=f"indicator-{index + 1}",
        indicator=item.indicator,
        unit=item.unit,
        direction=str(item.direction),
        verdict=verdict.replace("_", " "),
        verdict_tag=VERDICT_TAGS.get(verdict, "grey"),
        reason=reason,
        rag_counts=rag_counts or "no periods due yet",
        periods=tuple(
            PeriodRow(
                period=f"{p.period_start:%b %Y}"
                if (p.period_start.year, p.period_start.month)
                == (p.period_end.year, p.period_end.month)
                else f"{p.period_start:%d %b %Y} to {p.period_end:%d %b %Y}",
                predicted=number(p.predicted, 1),
                realised="missing" if p.missing else number(p.realised, 1),
                variance=percent(p.variance_pct, 1),
                rag=NONE if p.rag is None else RAG_WORDS[str(p.rag)],
            )
            for p in due
        ),
        chart=trajectory_chart(item),
        description=(
            f"{item.indicator} ({item.unit}, {item.direction} is better): predicted from "
            f"{number(item.baseline, 1)} to {number(item.target, 1)}"
            + (f" by {item.target_date:%B %Y}" if item.target_date else "")
            + f"; {len(due)} periods due: {rag_counts or 'none'}. Verdict: "
            f"{verdict.replace('_', ' ')}."
        ),
    )


def trajectory_chart(item: IndicatorOut) -> dict[str, Any]:
    """chart.js: the predicted level (a line) and the realised ones (points coloured by RAG),
    period by period."""
    due = [p for p in item.periods if p.due]
    labels = [f"{p.period_end:%b %Y}" for p in due]
    realised = [p.realised for p in due]
    colours = [RAG_COLOURS.get(str(p.rag), NHS_DARK_GREY) for p in due]
    return {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": "Predicted",
                    "data": [p.predicted for p in due],
                    "borderColor": NHS_BLUE,
                    "backgroundColor": NHS_BLUE,
                    "borderDash": [6, 4],
                    "pointRadius": 0,
                    "borderWidth": 2,
                },
                {
                    "label": "Realised (points coloured by RAG)",
                    "data": realised,
                    "borderColor": NHS_DARK_GREY,
                    # The legend shows the dataset's colour; the points theirs.
                    "backgroundColor": NHS_DARK_GREY,
                    "pointBackgroundColor": colours,
                    "pointBorderColor": NHS_DARK_GREY,
                    "pointRadius": 4,
                    "borderWidth": 1,
                    "spanGaps": False,
                },
            ],
        },
        "options": {
            "animation": False,
            "maintainAspectRatio": False,
            "scales": {
                "x": {"ticks": {"maxTicksLimit": 12}},
                "y": {"title": {"display": True, "text": item.unit}},
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
