"""Appraisal results as the API gives them: measures, lines, years, Monte Carlo, tornado.

Every figure is a JSON number at full float64 precision: the service rounds nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.appraisals.requests import Discounting, Schedule
from app.schemas.distributions import Uncertainty, uncertainty_of
from bpv.appraisal import Appraisal, InputKind, Measures, MonteCarloResult, UncertainInputSummary


class DiscountFactorOut(BaseModel):
    year: int
    factor: float


class IrrOut(BaseModel):
    status: Literal["none", "unique", "multiple"]
    value: float | None = Field(description="Set only when exactly one rate makes NPV zero.")
    roots: list[float]
    note: str


class MeasuresOut(BaseModel):
    pv_costs: float
    pv_benefits: float
    pv_cash_releasing_benefits: float
    npsv: float
    bcr: float | None = Field(description="None when PV of costs is zero.")
    roi: float | None = Field(description="(PV cash-releasing benefits - PVC) / PVC.")
    payback_year: int | None = Field(description="First year with cumulative discounted net ≥ 0.")
    payback_year_undiscounted: int | None
    irr: IrrOut


class LineOut(BaseModel):
    """A line at each stage: as given (`pv_gross`), before optimism bias, and after (`pv`)."""

    name: str
    role: Literal["cost", "benefit"]
    kind: str
    source: str | None
    pv_gross: float
    pv_before_optimism_bias: float
    pv: float
    optimism_bias: float
    additionality_factor: float
    drop_off: float
    qalys: float | None
    discounted_qalys: float | None


class YearOut(BaseModel):
    year: int
    t: int
    discount_factor: float
    health_discount_factor: float
    costs_before_optimism_bias: float
    costs: float
    benefits_before_optimism_bias: float
    benefits: float
    qalys: float
    net: float
    discounted_net: float
    cumulative_discounted_net: float


class SummaryOut(BaseModel):
    mean: float
    p5: float
    p10: float
    p50: float
    p90: float
    p95: float


class PointEstimatePercentileOut(BaseModel):
    """Where the point figures fall among the samples, in [0, 100]: the percentage of samples
    below them (ties counting half)."""

    npsv: float = Field(description="50 when the inputs' distributions centre on their values.")
    bcr: float | None = Field(description="None when the point BCR or every sampled one is.")


class MonteCarloOut(BaseModel):
    samples: int
    seed: int
    npsv: SummaryOut
    bcr: SummaryOut | None = Field(description="Over the samples whose PV of costs is positive.")
    bcr_defined_share: float
    probability_npsv_positive: float
    point_estimate_percentile: PointEstimatePercentileOut = Field(
        description="Where the headline NPSV and BCR sit in this distribution: far from 50 "
        "means the inputs' distributions are not centred on the values the headline uses (see "
        "`uncertain_inputs`)."
    )

    @classmethod
    def of(cls, result: MonteCarloResult) -> MonteCarloOut:
        return cls(
            samples=result.samples,
            seed=result.seed,
            npsv=SummaryOut.model_validate(asdict(result.npsv)),
            bcr=None if result.bcr is None else SummaryOut.model_validate(asdict(result.bcr)),
            bcr_defined_share=result.bcr_defined_share,
            probability_npsv_positive=result.probability_npsv_positive,
            point_estimate_percentile=PointEstimatePercentileOut(
                npsv=result.npsv_point_percentile, bcr=result.bcr_point_percentile
            ),
        )


class UncertainInputOut(BaseModel):
    """An uncertain input: the central value the headline figures used, and what Monte Carlo
    draws instead."""

    input: InputKind = Field(
        description="flows: a multiplier on the line's flows; confidence, value_per_unit, "
        "deadweight, displacement, attribution: a hypothesis's; value_per_qaly: the round's."
    )
    line: str | None = Field(description="The line it bears on; None for every QALY line.")
    role: Literal["cost", "benefit"]
    point: float = Field(description="The value the headline figures use (1 for flows).")
    distribution: Uncertainty
    mean: float = Field(description="The distribution's mean.")
    most_likely: float | None = Field(description="Its mode; None for a uniform.")
    point_percentile: float = Field(
        description="Where `point` falls in the distribution, in [0, 100]; 50 for a symmetric "
        "distribution centred on it."
    )
    switching_value: float | None = Field(
        description="The input's value at which NPSV = 0, all else at its point; None when no "
        "such value can be had."
    )

    @classmethod
    def of(cls, summary: UncertainInputSummary) -> UncertainInputOut:
        return cls(
            input=summary.kind,
            line=summary.line,
            role=summary.role.value,
            point=summary.point,
            distribution=uncertainty_of(summary.distribution),
            mean=summary.mean,
            most_likely=summary.most_likely,
            point_percentile=summary.point_percentile,
            switching_value=summary.switching_value,
        )


class TornadoBarOut(BaseModel):
    """NPSV and BCR with one uncertain input at the low, then the high end of its range (in
    the input's units)."""

    line: str | None = Field(description="The line it bears on; None for every QALY line.")
    role: Literal["cost", "benefit"]
    input: InputKind
    input_low: float
    input_high: float
    npsv_low: float
    npsv_high: float
    bcr_low: float | None
    bcr_high: float | None
    swing: float


class SwitchingValueOut(BaseModel):
    """The multiplier on a line's flows at which NPSV = 0, all else as appraised."""

    line: str
    role: Literal["cost", "benefit"]
    pv: float
    factor: float | None
    pv_at_switch: float | None
    change: float | None


class AppraisalOut(BaseModel):
    """Headline measures (costs uplifted, benefits reduced) at the top level.

    Every figure is a JSON number at full float64 precision: the service rounds nothing, so
    rounding for display is the client's. Money is in pounds at base-year prices.
    """

    method_version: str
    base_year: int
    discounting: Discounting
    value_per_qaly: float
    pv_costs: float
    pv_benefits: float
    npsv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    payback_year_undiscounted: int | None
    pv_cash_releasing_benefits: float
    irr: IrrOut
    before_optimism_bias: MeasuresOut = Field(
        description="The same measures with neither cost uplift nor benefit reduction."
    )
    after_optimism_bias: MeasuresOut
    pv_benefits_gross: float = Field(description="Before additionality, drop-off and reduction.")
    qalys: float
    discounted_qalys: float
    discount_factors: list[DiscountFactorOut]
    years: list[YearOut]
    lines: list[LineOut]
    switching_values: list[SwitchingValueOut]
    value_per_qaly_switching: float | None
    monte_carlo: MonteCarloOut | None
    tornado: list[TornadoBarOut]
    uncertain_inputs: list[UncertainInputOut] = Field(
        description="Each input Monte Carlo draws, with the value the headline figures use."
    )

    @classmethod
    def of(cls, appraisal: Appraisal) -> AppraisalOut:
        """Every figure as computed: nothing is rounded here."""
        settings = appraisal.settings
        headline = _measures_out(appraisal.measures)
        return cls(
            method_version=appraisal.method_version,
            base_year=settings.base_year,
            discounting=Discounting(
                schedule=Schedule(settings.discounting.kind), rate=settings.discounting.rate
            ),
            value_per_qaly=settings.value_per_qaly,
            **headline.model_dump(exclude={"irr"}),
            irr=headline.irr,
            before_optimism_bias=_measures_out(appraisal.before_optimism_bias),
            after_optimism_bias=headline,
            pv_benefits_gross=appraisal.pv_benefits_gross,
            qalys=appraisal.qalys,
            discounted_qalys=appraisal.discounted_qalys,
            discount_factors=[
                DiscountFactorOut.model_validate(asdict(f)) for f in appraisal.discount_factors
            ],
            years=[YearOut.model_validate(asdict(row)) for row in appraisal.years],
            lines=[LineOut.model_validate(asdict(line)) for line in appraisal.lines],
            switching_values=[
                SwitchingValueOut.model_validate(asdict(value))
                for value in appraisal.switching_values
            ],
            value_per_qaly_switching=appraisal.value_per_qaly_switching,
            monte_carlo=(
                None if appraisal.monte_carlo is None else MonteCarloOut.of(appraisal.monte_carlo)
            ),
            tornado=[TornadoBarOut.model_validate(asdict(bar)) for bar in appraisal.tornado],
            uncertain_inputs=[UncertainInputOut.of(item) for item in appraisal.uncertain_inputs],
        )


def _measures_out(measures: Measures) -> MeasuresOut:
    return MeasuresOut.model_validate(asdict(measures))
