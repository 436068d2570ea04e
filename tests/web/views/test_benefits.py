"""The benefits view: only the periods due, each realised point coloured by its RAG, missing
periods counted and never drawn as zero."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.schemas.benefits import IndicatorOut
from app.web.views.benefits import RAG_COLOURS, indicator_view


def period(month: int, realised: float | None, rag: str | None, **fields: Any) -> dict[str, Any]:
    start = dt.date(2018, month, 1)
    end = dt.date(2018, month, 28)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "predicted": 100.0 - month,
        "realised": realised,
        "variance": None if realised is None else realised - (100.0 - month),
        "variance_pct": None,
        "rag": rag,
        "missing": realised is None,
        "predicted_money": 0.0,
        "realised_money": None,
        "expected": True,
        "due": True,
        "observations": 0 if realised is None else 1,
        "in_totals": True,
        **fields,
    }


def indicator() -> IndicatorOut:
    return IndicatorOut.model_validate(
        {
            "hypothesis_id": "h1",
            "indicator": "Admissions",
            "unit": "admissions",
            "direction": "decrease",
            "baseline": 100.0,
            "target": 90.0,
            "target_date": "2018-12-31",
            "periods": [
                period(1, 99.0, "green"),
                period(2, 104.0, "red"),
                period(3, None, None),
                period(4, 97.0, "amber", due=False),
            ],
            "missing_periods": 1,
            "predicted_money": 0.0,
            "realised_money": 0.0,
            "predicted_money_measured": 0.0,
            "forecast": None,
            "verdict": "at_risk",
        }
    )


def test_only_periods_due_are_drawn_each_point_in_its_rag_colour() -> None:
    view = indicator_view(0, indicator(), "a reason")
    predicted, realised = view.chart["data"]["datasets"]
    assert view.chart["data"]["labels"] == ["Jan 2018", "Feb 2018", "Mar 2018"]
    assert realised["data"] == [99.0, 104.0, None]
    assert realised["pointBackgroundColor"][:2] == [RAG_COLOURS["green"], RAG_COLOURS["red"]]
    assert predicted["data"] == [99.0, 98.0, 97.0]


def test_missing_periods_are_counted_and_named_missing() -> None:
    view = indicator_view(0, indicator(), "a reason")
    assert view.rag_counts == "1 green, 1 red, 1 missing"
    assert [row.realised for row in view.periods] == ["99.0", "104.0", "missing"]
    assert view.verdict == "at risk"
    assert view.verdict_tag == "yellow"
