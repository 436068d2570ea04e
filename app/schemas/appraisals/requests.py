"""The stateless appraisal preview as a request gives it (SPEC 4.6), and the limits on one request.

Figures go out as JSON numbers at full float64 precision: the service rounds nothing, so any
rounding for display is the client's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict

from app.schemas.appraisals.optimism_bias import OptimismBiasIn, OptimismBiasTable
from app.schemas.common import FinancialYear, Fraction, Money, Name, Number, Schema, WholeNumber
from app.schemas.distributions import Uncertainty
from bpv.appraisal import (
    DEFAULT_SAMPLES,
    DEFAULT_VALUE_PER_QALY,
    MAX_SAMPLE_CELLS,
    MAX_SAMPLES,
    CostKind,
)
from bpv.hypotheses import BenefitType

MAX_LINES = 100
"""Cost lines, and benefit lines, one preview request may carry (each)."""
MAX_FLOWS = 500
"""Flows one line may carry: a year each, as far as the 500-year horizon."""
MAX_PREVIEW_FLOWS = 25_000
"""Flows one preview request may carry over all its lines: the heaviest allowed request (200
lines, 25,000 flows, 2,000,000 Monte Carlo draws) was measured at 0.18 s of CPU and 36 MB."""
MAX_SEED = 2**53 - 1
"""The largest seed every JSON reader holds exactly (a double's integers): a larger one written
as a number may arrive rounded, past the bound it was meant to meet."""

SAMPLES_DESCRIPTION = (
    f"Monte Carlo samples, at most {MAX_SAMPLES:,}; samples x uncertain inputs may not exceed "
    f"{MAX_SAMPLE_CELLS:,} (each line's own distribution and, on a bid, each distribution of "
    "a hypothesis or of the value of a QALY counts as one input)."
)

BenefitAmount = Annotated[float, Strict(), Field(ge=-1e13, le=1e13)]
ValuePerQaly = Annotated[float, Strict(), Field(ge=0, le=1e9)]
Samples = Annotated[int, Strict(), Field(ge=1, le=MAX_SAMPLES), WholeNumber]
Seed = Annotated[int, Strict(), Field(ge=0, le=MAX_SEED), WholeNumber]


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
        description="A reduction of the benefit (at most 1): a fraction, a grade of "
        "`benefit_optimism_bias_table`, or a mitigated upper bound. None takes "
        "`benefit_optimism_bias`.",
    )
    uncertainty: Uncertainty | None = None


class MonteCarloIn(Schema):
    samples: Samples = Field(default=DEFAULT_SAMPLES, description=SAMPLES_DESCRIPTION)
    seed: Seed = Field(default=0, description="A fixed seed makes the run reproducible.")


class AppraisalRequest(Schema):
    """The stateless appraisal preview (SPEC 4.6).

    Its cost is bounded: at most MAX_LINES cost and MAX_LINES benefit lines, MAX_PREVIEW_FLOWS
    flows in all, and MAX_SAMPLE_CELLS Monte Carlo draws (samples x uncertain inputs).
    """

    base_year: FinancialYear | None = Field(
        default=None,
        description="Year 0 of discounting. Defaults to the first year of any flow; a flow "
        "before it is invalid.",
    )
    discounting: Discounting = Field(
        default_factory=Discounting, description="Defaults to the Green Book schedule."
    )
    costs: list[CostLineIn] = Field(
        default_factory=list,
        max_length=MAX_LINES,
        description=f"At most {MAX_LINES} lines; costs and benefits together carry at most "
        f"{MAX_PREVIEW_FLOWS:,} flows.",
    )
    benefits: list[BenefitLineIn] = Field(
        default_factory=list, max_length=MAX_LINES, description=f"At most {MAX_LINES} lines."
    )
    value_per_qaly: ValuePerQaly = Field(
        default=DEFAULT_VALUE_PER_QALY, description="Pounds per QALY."
    )
    value_per_qaly_uncertainty: Uncertainty | None = Field(
        default=None,
        description="A distribution of the value of a QALY in pounds (e.g. a normal of mean "
        "60,000), drawn once per sample for every QALY line.",
    )
    optimism_bias_table: OptimismBiasTable = Field(
        default_factory=dict, description="Confidence grade → cost uplift (a fraction)."
    )
    benefit_optimism_bias_table: OptimismBiasTable = Field(
        default_factory=dict,
        description="Confidence grade → benefit reduction (a fraction, at most 1), for benefit "
        "lines giving a grade; cost uplifts come from `optimism_bias_table` alone.",
    )
    benefit_optimism_bias: Fraction = Field(
        default=0.0, description="Reduces every benefit line that gives no reduction of its own."
    )
    monte_carlo: MonteCarloIn | None = Field(
        default=None,
        description="Run Monte Carlo, the tornado and the switching values. It also runs, with "
        f"{DEFAULT_SAMPLES:,} samples and seed 0, when any input carries a distribution.",
    )
