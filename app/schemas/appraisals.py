"""Appraisals as the API carries them: the SPEC 4.6 preview contract and a bid's appraisal.

Figures go out as JSON numbers at full float64 precision: the service rounds nothing, so any
rounding for display is the client's.
"""

from __future__ import annotations

import math
import uuid
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Strict, Tag

from app.schemas.bids import CostKind
from app.schemas.common import FinancialYear, Fraction, Key, Money, Name, Number, Schema
from app.schemas.distributions import Uncertainty
from app.schemas.logic_models import EdgeRefOut, IndicatorIn
from bpv.appraisal import MAX_SAMPLES
from bpv.hypotheses import BenefitType
from bpv.logic_model import EvidenceGrade
from bpv.scoring import DEFAULT_BCR_BANDS, ReturnMeasure

MAX_LINES = 200
MAX_FLOWS = 500
MAX_SEED = 2**63 - 1

BenefitAmount = Annotated[float, Strict(), Field(ge=-1e13, le=1e13)]
Uplift = Annotated[
    float,
    Strict(),
    Field(ge=0, le=10, description="A fraction: 0.24 uplifts a cost by 24%."),
]
ValuePerQaly = Annotated[float, Strict(), Field(ge=0, le=1e9)]
Samples = Annotated[int, Strict(), Field(ge=1, le=MAX_SAMPLES)]
Seed = Annotated[int, Strict(), Field(ge=0, le=MAX_SEED)]


# Inputs


class Schedule(StrEnum):
    GREEN_BOOK = "green_book"
    FLAT = "flat"


class Discounting(Schema):
    """`{"schedule": "green_book"}` or `{"schedule": "flat", "rate": 0.035}`."""

    schedule: Schedule = Field(
        default=Schedule.GREEN_BOOK,
        description=(
            "green_book: 3.5% to year 30, then 3.0%, 2.5%, 2.0%, 1.5%, 1.0% on the Green Book "
            "bands, applied year by year; QALY flows take the health schedule (1.5%, 1.29%, ...) "
            "on the same bands. flat: `rate` every year, QALYs included."
        ),
    )
    rate: Number | None = Field(
        default=None,
        gt=-1,
        lt=1,
        description="Only for the flat schedule, where it is required: a fraction in (-1, 1).",
    )


class FlowIn(Schema):
    year: FinancialYear
    amount: Money = Field(description="Pounds at base-year prices; never negative for a cost.")


class BenefitFlowIn(Schema):
    year: FinancialYear
    amount: BenefitAmount = Field(
        description="Pounds at base-year prices, or QALYs on a `qaly` line (monetised at the "
        "value per QALY)."
    )


class RiskAreaIn(Schema):
    name: Name
    contribution: Fraction = Field(description="Its share of the upper bound.")
    mitigation: Fraction = Field(description="How far it is mitigated: 0 not at all, 1 fully.")


class OptimismBiasGrade(Schema):
    grade: Key = Field(description="Looked up in `optimism_bias_table`.")


class OptimismBiasMitigated(Schema):
    upper_bound: Uplift
    risk_areas: list[RiskAreaIn] = Field(
        default_factory=list,
        max_length=50,
        description="Uplift = upper_bound x (1 - Σ contribution x mitigation).",
    )


def _optimism_bias_kind(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "fraction"
    if isinstance(value, dict):
        return "grade" if "grade" in value else "mitigated"
    if isinstance(value, OptimismBiasGrade):
        return "grade"
    if isinstance(value, OptimismBiasMitigated):
        return "mitigated"
    return None


OptimismBiasIn = Annotated[
    Annotated[Uplift, Tag("fraction")]
    | Annotated[OptimismBiasGrade, Tag("grade")]
    | Annotated[OptimismBiasMitigated, Tag("mitigated")],
    Discriminator(
        _optimism_bias_kind,
        custom_error_type="optimism_bias",
        custom_error_message="expected a fraction, {grade} or {upper_bound, risk_areas}",
    ),
]


class CostLineIn(Schema):
    name: Name
    kind: CostKind
    flows: list[FlowIn] = Field(min_length=1, max_length=MAX_FLOWS)
    optimism_bias: OptimismBiasIn | None = Field(
        default=None,
        description="A fraction, a confidence grade from the table, or an upper bound reduced "
        "by mitigated risk areas. None: no uplift.",
    )
    uncertainty: Uncertainty | None = None


class BenefitLineIn(Schema):
    name: Name
    type: BenefitType
    flows: list[BenefitFlowIn] = Field(min_length=1, max_length=MAX_FLOWS)
    deadweight: Fraction = 0.0
    displacement: Fraction = 0.0
    attribution: Fraction = 0.0
    drop_off: Fraction = Field(
        default=0.0,
        description="Yearly decay from the line's first non-zero year: year n is worth the "
        "first year's value x (1 - drop_off)^(n - 1).",
    )
    optimism_bias: OptimismBiasIn | None = Field(
        default=None,
        description="A reduction of the benefit (at most 1); None takes `benefit_optimism_bias`.",
    )
    uncertainty: Uncertainty | None = None


class MonteCarloIn(Schema):
    samples: Samples = Field(
        default=10_000,
        description="At most 1,000,000; samples x uncertain lines may not exceed 20,000,000.",
    )
    seed: Seed = Field(default=0, description="A fixed seed makes the run reproducible.")


OptimismBiasTable = Annotated[
    dict[Key, Uplift],
    Field(max_length=50, description="Confidence grade → cost uplift (a fraction)."),
]


class AppraisalRequest(Schema):
    """The stateless appraisal preview (SPEC 4.6)."""

    base_year: FinancialYear | None = Field(
        default=None,
        description="Year 0 of discounting. Defaults to the first year of any flow; a flow "
        "before it is invalid.",
    )
    discounting: Discounting = Field(
        default_factory=Discounting, description="Defaults to the Green Book schedule."
    )
    costs: list[CostLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    benefits: list[BenefitLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    value_per_qaly: ValuePerQaly = Field(default=60_000.0, description="Pounds per QALY.")
    optimism_bias_table: OptimismBiasTable = Field(default_factory=dict)
    benefit_optimism_bias: Fraction = Field(
        default=0.0, description="Reduces every benefit line that gives no reduction of its own."
    )
    monte_carlo: MonteCarloIn | None = Field(
        default=None,
        description="Run Monte Carlo, the tornado and the switching values. It also runs, with "
        "10,000 samples and seed 0, when any line carries an uncertainty.",
    )


# Outputs


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


class MonteCarloOut(BaseModel):
    samples: int
    seed: int
    npsv: SummaryOut
    bcr: SummaryOut | None = Field(description="Over the samples whose PV of costs is positive.")
    bcr_defined_share: float
    probability_npsv_positive: float


class TornadoBarOut(BaseModel):
    line: str
    role: Literal["cost", "benefit"]
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


# A round's appraisal settings


class BcrBandIn(Schema):
    name: Name
    lower: Annotated[float, Strict(), Field(ge=-1e6, le=1e6)] | None = Field(
        description="Lowest BCR in the band; None (first band only) for no lower bound."
    )
    value: Fraction = Field(description="The band's place on a [0, 1] scale.")
    lower_inclusive: Annotated[bool, Strict()] = True


def _default_bcr_bands() -> list[BcrBandIn]:
    return [
        BcrBandIn(
            name=band.name,
            lower=band.lower if math.isfinite(band.lower) else None,
            value=band.value,
            lower_inclusive=band.lower_inclusive,
        )
        for band in DEFAULT_BCR_BANDS
    ]


class ValueSettingsIn(Schema):
    """value = quality_weight x normalised weighted score + return_weight x normalised return."""

    quality_weight: Fraction = 0.5
    return_weight: Fraction = 0.5
    return_measure: ReturnMeasure = Field(
        default=ReturnMeasure.BCR_BAND,
        description="bcr_band: the band's value; bcr_linear: min(max(BCR, 0) / bcr_cap, 1).",
    )
    bcr_bands: list[BcrBandIn] = Field(
        default_factory=_default_bcr_bands,
        min_length=1,
        max_length=20,
        description="Defaults to the DfT value-for-money categories: below 1 poor, 1-1.5 low, "
        "1.5-2 medium, 2-4 high, above 4 very high.",
    )
    bcr_cap: Annotated[float, Strict(), Field(gt=0, le=1e6)] = 4.0


class RoundMonteCarlo(MonteCarloIn):
    """Monte Carlo for the round's bid appraisals; bids' lines take these distributions."""

    cost_uncertainty: Uncertainty | None = None
    benefit_uncertainty: Uncertainty | None = None


class RoundSettings(Schema):
    """A round's appraisal settings; every field has a default."""

    base_year: FinancialYear | None = Field(
        default=None,
        description="Year 0 of discounting. Unset: the first year of each proposal (its first "
        "cost, requested funding or hypothesis target).",
    )
    discounting: Discounting = Field(
        default_factory=Discounting, description="Defaults to the Green Book schedule."
    )
    value_per_qaly: ValuePerQaly = Field(default=60_000.0, description="Pounds per QALY.")
    optimism_bias_table: dict[EvidenceGrade, Uplift] = Field(
        default_factory=dict,
        description="Cost uplift by a cost line's confidence_grade, for lines that give no "
        "optimism_bias of their own. Empty by default: a graded line with no entry is "
        "appraised without uplift and reported as missing.",
    )
    benefit_optimism_bias: Fraction = Field(
        default=0.0, description="Reduces every benefit line (a fraction)."
    )
    confidence_weighted: Annotated[bool, Strict()] = Field(
        default=False,
        description="Whether benefits from hypotheses are weighted by their confidence.",
    )
    persistence_years: Annotated[int, Strict(), Field(ge=0, le=100)] = Field(
        default=0,
        description="Years a hypothesis's effect persists after its last target, decaying by "
        "its drop-off.",
    )
    value: ValueSettingsIn = Field(
        default_factory=ValueSettingsIn,
        description="How quality and return combine into the value score; 0.5 each by default.",
    )
    monte_carlo: RoundMonteCarlo | None = Field(
        default=None,
        description="Run Monte Carlo on every bid appraisal of the round (off by default; a "
        "request may ask for it).",
    )


# A bid's appraisal


class ScoreTermOut(BaseModel):
    """contribution = weight x value; a criterion awaiting assessors has no value yet."""

    name: str
    weight: float
    value: float | None
    contribution: float | None
    detail: str


class ScoreOut(BaseModel):
    """`score` once every term is known; until then `low` and `high` bound it (criteria awaiting
    assessors at the bottom and at the top of their scales)."""

    score: float | None
    low: float
    high: float
    terms: list[ScoreTermOut]


class ComputedScoreOut(BaseModel):
    criterion: str
    value: float = Field(description="On the criterion's scale.")
    fraction: float = Field(description="The [0, 1] measure behind the value.")
    detail: str


class ScoresOut(BaseModel):
    criteria_version: int = Field(description="Version of the round's criteria framework.")
    computed: list[ComputedScoreOut]
    awaiting_assessment: list[str] = Field(description="Criteria scored by assessors.")
    weighted_score: ScoreOut = Field(description="Σ weight x score on the criteria's scales.")
    value_score: ScoreOut = Field(description="Quality and return combined, in [0, 1].")


class CostTraceOut(BaseModel):
    cost_line: int = Field(description="Index in the bid's cost_lines.")
    name: str
    optimism_bias: float = Field(description="The uplift applied.")
    optimism_bias_source: Literal["line", "round_table", "none"]
    confidence_grade: EvidenceGrade | None


class BenefitFlowTraceOut(BaseModel):
    year: int
    amount: float = Field(
        description="Gross benefit (pounds, or QALYs): improvement x value per unit, weighted "
        "by confidence when the round says so, before additionality."
    )


class BenefitTraceOut(BaseModel):
    """A benefit line and the hypothesis, and its logic-model edge or path, that claims it."""

    line: str = Field(description="The line's name in `appraisal.lines`.")
    hypothesis_id: uuid.UUID
    edge: EdgeRefOut | None
    path: list[str] | None
    indicator: IndicatorIn
    benefit_type: BenefitType
    value_per_unit: float
    confidence: float
    flows: list[BenefitFlowTraceOut]


class MissingOut(BaseModel):
    field: str = Field(description="What is missing or wrong, e.g. `cost_lines[1].flows[0].year`.")
    detail: str


class BidAppraisalOut(BaseModel):
    """A bid's current version under its round's settings: the same inputs, settings and
    method version always give the same answer. Figures are unrounded, as in AppraisalOut."""

    bid_id: uuid.UUID
    bid_version: int
    round_id: uuid.UUID
    method_version: str
    settings: RoundSettings = Field(
        description="Exactly the settings used, base_year resolved and monte_carlo as run."
    )
    base_year_source: Literal["round", "proposal"] | None = Field(
        description="Where the base year came from; None when the bid has no years at all."
    )
    appraisal: AppraisalOut | None = Field(
        description="None when nothing can be appraised (see `missing`)."
    )
    costs: list[CostTraceOut]
    benefits: list[BenefitTraceOut]
    scores: ScoresOut
    missing: list[MissingOut] = Field(description="What could not be computed, and why.")
