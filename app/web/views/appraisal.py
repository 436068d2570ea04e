"""The bid page's appraisal: headline figures before and after optimism bias, the Monte Carlo
distribution of NPSV as a histogram, the tornado and the switching values.

The appraisal keeps no Monte Carlo samples, only the mean and percentiles of NPSV (a submitted
bid's are those of its stored snapshot). The histogram's bins are therefore the bands between
those percentiles: 5% of the samples lie between P5 and P10, 40% between P10 and P50, and so on.
Each bar's height is its share divided by its width, so areas compare truly; nothing is drawn
that the figures do not say, and the 5% tails beyond P5 and P95 are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.schemas.appraisals import BidAppraisalOut
from app.schemas.appraisals.results import AppraisalOut, MeasuresOut, MonteCarloOut
from app.web.views.formats import NONE, number, percent, pounds, short_pounds
from app.web.views.ranking import NHS_BLUE, NHS_DARK_GREEN, NHS_DARK_GREY, NHS_RED
from app.web.views.scales import nice_ticks

# The percentiles the appraisal reports, and the share of samples between neighbours.
BANDS = (("p5", "p10", 0.05), ("p10", "p50", 0.40), ("p50", "p90", 0.40), ("p90", "p95", 0.05))
NHS_WARM_YELLOW = "#ffb81c"


@dataclass(frozen=True)
class HeadlineRow:
    measure: str
    before: str
    after: str


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    share: float
    density: float
    """Percentage of the samples per `unit` pounds of NPSV."""

    @property
    def label(self) -> str:
        return f"{short_pounds(self.low)} to {short_pounds(self.high)}"


@dataclass(frozen=True)
class Histogram:
    bands: tuple[Band, ...]
    unit: float
    samples: int
    seed: int
    mean: float
    p5: float
    p95: float
    probability_positive: float
    chart: dict[str, Any]

    @property
    def summary(self) -> str:
        return (
            f"{self.samples:,} Monte Carlo samples (seed {self.seed}): NPSV from "
            f"{pounds(self.p5)} (P5) to {pounds(self.p95)} (P95), mean {pounds(self.mean)}; "
            f"P(NPSV > 0) = {percent(self.probability_positive, 1)}."
        )


@dataclass(frozen=True)
class TornadoRow:
    input: str
    low_input: str
    high_input: str
    npsv_low: str
    npsv_high: str
    swing: str


@dataclass(frozen=True)
class SwitchingRow:
    line: str
    role: str
    pv: str
    factor: str
    change: str


@dataclass(frozen=True)
class AppraisalView:
    headline: tuple[HeadlineRow, ...]
    snapshot_at: str | None
    histogram: Histogram | None
    tornado: tuple[TornadoRow, ...]
    tornado_chart: dict[str, Any] | None
    switching: tuple[SwitchingRow, ...]
    qaly_switching: str | None
    missing: tuple[str, ...]
    base_year: int
    method_version: str


def appraisal_view(out: BidAppraisalOut) -> AppraisalView | None:
    """None when nothing could be appraised (the page then lists what is missing)."""
    appraisal = out.appraisal
    if appraisal is None:
        return None
    return AppraisalView(
        headline=headline_rows(appraisal.before_optimism_bias, appraisal.after_optimism_bias),
        snapshot_at=None if out.snapshot_at is None else out.snapshot_at.strftime("%d %B %Y"),
        histogram=None
        if appraisal.monte_carlo is None
        else npsv_histogram(appraisal.monte_carlo, appraisal.npsv),
        tornado=tuple(_tornado_row(bar) for bar in appraisal.tornado),
        tornado_chart=tornado_chart(appraisal) if appraisal.tornado else None,
        switching=tuple(
            SwitchingRow(
                line=value.line,
                role=value.role,
                pv=pounds(value.pv),
                factor=NONE if value.factor is None else f"x {number(value.factor, 2)}",
                change=percent(value.change, 0),
            )
            for value in appraisal.switching_values
        ),
        qaly_switching=None
        if appraisal.value_per_qaly_switching is None
        else pounds(appraisal.value_per_qaly_switching),
        missing=tuple(f"{m.field}: {m.detail}" for m in out.missing),
        base_year=appraisal.base_year,
        method_version=appraisal.method_version,
    )


def headline_rows(before: MeasuresOut, after: MeasuresOut) -> tuple[HeadlineRow, ...]:
    def year(value: int | None) -> str:
        return NONE if value is None else f"{value}/{(value + 1) % 100:02d}"

    return (
        HeadlineRow("PV of costs", pounds(before.pv_costs), pounds(after.pv_costs)),
        HeadlineRow("PV of benefits", pounds(before.pv_benefits), pounds(after.pv_benefits)),
        HeadlineRow("NPSV (PV benefits - PV costs)", pounds(before.npsv), pounds(after.npsv)),
        HeadlineRow("Benefit-cost ratio", number(before.bcr, 2), number(after.bcr, 2)),
        HeadlineRow("Cash-releasing ROI", percent(before.roi, 0), percent(after.roi, 0)),
        HeadlineRow("Payback year", year(before.payback_year), year(after.payback_year)),
    )


def npsv_histogram(monte_carlo: MonteCarloOut, point_npsv: float) -> Histogram:
    summary = monte_carlo.npsv
    marks = summary.model_dump()
    width = summary.p95 - summary.p5
    ticks = nice_ticks(0.0, width, 8) if width > 0 else [0.0, 1.0]
    unit = ticks[1] - ticks[0] if len(ticks) > 1 else max(width, 1.0)
    bands = []
    for low_key, high_key, share in BANDS:
        low, high = marks[low_key], marks[high_key]
        density = 100 * share * unit / (high - low) if high > low else 0.0
        bands.append(Band(low, high, share, density))
    return Histogram(
        bands=tuple(bands),
        unit=unit,
        samples=monte_carlo.samples,
        seed=monte_carlo.seed,
        mean=summary.mean,
        p5=summary.p5,
        p95=summary.p95,
        probability_positive=monte_carlo.probability_npsv_positive,
        chart=_histogram_chart(bands, unit, summary.mean, point_npsv),
    )


def _histogram_chart(
    bands: list[Band], unit: float, mean: float, point_npsv: float
) -> dict[str, Any]:
    # A stepped line filled to the axis draws bars of unequal width.
    steps = [{"x": bands[0].low, "y": 0}]
    steps += [{"x": band.low, "y": round(band.density, 4)} for band in bands]
    steps.append({"x": bands[-1].high, "y": 0})
    top = max(band.density for band in bands) * 1.15 or 1.0
    low, high = bands[0].low, bands[-1].high
    span = high - low
    # Zero is shown when it is in, or near, the band from P5 to P95.
    x_min = min(low, 0.0) if low - span / 2 <= 0 else low - span * 0.05
    x_max = max(high, 0.0) if high + span / 2 >= 0 else high + span * 0.05
    datasets: list[dict[str, Any]] = [
        {
            "label": f"% of samples per {short_pounds(unit)} of NPSV, between P5 and P95",
            "data": steps,
            "stepped": "after",
            "fill": "origin",
            "borderColor": NHS_BLUE,
            "backgroundColor": "rgba(0, 94, 184, 0.35)",
            "pointRadius": 0,
            "borderWidth": 2,
        },
        _upright("Mean", mean, top, NHS_DARK_GREEN),
    ]
    if x_min <= 0 <= x_max:
        datasets.append(_upright("NPSV = 0", 0.0, top, NHS_RED))
    if abs(point_npsv - mean) > span * 0.01:
        datasets.append(_upright("Point estimate", point_npsv, top, NHS_WARM_YELLOW))
    return {
        "type": "line",
        "data": {"datasets": datasets},
        "options": {
            "animation": False,
            "maintainAspectRatio": False,
            "parsing": True,
            "scales": {
                "x": {
                    "type": "linear",
                    "min": x_min,
                    "max": x_max,
                    "title": {"display": True, "text": "NPSV"},
                    "ticks": {"format": "pounds"},
                },
                "y": {
                    "min": 0,
                    "max": round(top, 4),
                    "title": {"display": True, "text": f"% of samples per {short_pounds(unit)}"},
                },
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }


def _upright(label: str, x: float, top: float, colour: str) -> dict[str, Any]:
    return {
        "label": label,
        "data": [{"x": x, "y": 0}, {"x": x, "y": round(top, 4)}],
        "borderColor": colour,
        "backgroundColor": colour,
        "borderDash": [6, 4],
        "borderWidth": 2,
        "pointRadius": 0,
        "fill": False,
    }


def _input_name(line: str | None, kind: str) -> str:
    what = "flows" if kind == "flows" else kind.replace("_", " ")
    return f"{line}: {what}" if line else f"every QALY line: {what}"


def _tornado_row(bar: Any) -> TornadoRow:
    return TornadoRow(
        input=_input_name(bar.line, str(bar.input)),
        low_input=number(bar.input_low, 2),
        high_input=number(bar.input_high, 2),
        npsv_low=pounds(bar.npsv_low),
        npsv_high=pounds(bar.npsv_high),
        swing=pounds(bar.swing),
    )


def tornado_chart(appraisal: AppraisalOut) -> dict[str, Any]:
    """chart.js floating horizontal bars: NPSV with each input at the low end of its range and
    at the high end, from the point NPSV; widest swing first."""
    bars = sorted(appraisal.tornado, key=lambda bar: bar.swing, reverse=True)
    point = appraisal.npsv
    return {
        "type": "bar",
        "data": {
            "labels": [_input_name(bar.line, str(bar.input)) for bar in bars],
            "datasets": [
                {
                    "label": "Input at the low end of its range",
                    "data": [[point, bar.npsv_low] for bar in bars],
                    "backgroundColor": NHS_DARK_GREY,
                },
                {
                    "label": "Input at the high end of its range",
                    "data": [[point, bar.npsv_high] for bar in bars],
                    "backgroundColor": NHS_BLUE,
                },
            ],
        },
        "options": {
            "animation": False,
            "maintainAspectRatio": False,
            "indexAxis": "y",
            "scales": {
                "x": {
                    "title": {"display": True, "text": f"NPSV (point: {short_pounds(point)})"},
                    "ticks": {"format": "pounds"},
                },
                "y": {"stacked": True, "ticks": {"autoSkip": False}},
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
