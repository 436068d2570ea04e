"""What an appraisal takes and gives: a round's settings, and the appraisal of one proposal.

Figures are IEEE float64 throughout (about 15 significant digits, far beyond the 4 a panel
checks); nothing is rounded here, so callers round only for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bpv.appraisal.discounting import DiscountSchedule
from bpv.appraisal.distributions import Distribution
from bpv.appraisal.lines import LineRole
from bpv.appraisal.measures import Irr, Measures
from bpv.appraisal.uncertainty import (
    MonteCarloResult,
    MonteCarloSettings,
    SwitchingValue,
    TornadoBar,
    UncertainInputSummary,
)

METHOD_VERSION = "2018-green-book/1"
"""Changes whenever a figure for the same inputs could change."""

DEFAULT_VALUE_PER_QALY = 60_000.0
"""Pounds per QALY, the DHSC figure the 2018 Green Book cites."""


@dataclass(frozen=True)
class AppraisalSettings:
    """A round's appraisal settings.

    `optimism_bias_table` maps a confidence grade to its cost uplift, and
    `benefit_optimism_bias_table` to a benefit reduction; `benefit_optimism_bias` reduces every
    benefit line that states no reduction of its own. `confidence_weighted` says whether
    benefits derived from hypotheses are weighted by their confidence.
    `value_per_qaly_uncertainty` (in pounds) is drawn by Monte Carlo for every QALY line at once.
    """

    base_year: int
    discounting: DiscountSchedule = field(default_factory=DiscountSchedule.green_book)
    value_per_qaly: float = DEFAULT_VALUE_PER_QALY
    optimism_bias_table: Mapping[str, float] = field(default_factory=dict)
    benefit_optimism_bias: float = 0.0
    confidence_weighted: bool = False
    benefit_optimism_bias_table: Mapping[str, float] = field(default_factory=dict)
    value_per_qaly_uncertainty: Distribution | None = None


@dataclass(frozen=True)
class LineAppraisal:
    """One line's present values at each stage, so every adjustment can be seen.

    For a cost: `pv_gross` = `pv_before_optimism_bias` (as given), `pv` after the uplift.
    For a benefit: `pv_gross` as given, `pv_before_optimism_bias` after additionality and
    drop-off, `pv` after the reduction. QALY lines also give their QALYs (after every
    adjustment), undiscounted and discounted.
    """

    name: str
    role: LineRole
    kind: str
    source: str | None
    pv_gross: float
    pv_before_optimism_bias: float
    pv: float
    optimism_bias: float
    additionality_factor: float
    drop_off: float
    qalys: float | None = None
    discounted_qalys: float | None = None


@dataclass(frozen=True)
class YearRow:
    """Totals for one financial year; money in pounds at base-year prices, QALYs monetised."""

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


@dataclass(frozen=True)
class DiscountFactor:
    year: int
    factor: float


@dataclass(frozen=True)
class Appraisal:
    """`measures` is the headline (costs uplifted, benefits reduced); `before_optimism_bias`
    the same measures with neither adjustment (benefits still net of additionality)."""

    method_version: str
    settings: AppraisalSettings
    measures: Measures
    before_optimism_bias: Measures
    pv_benefits_gross: float
    qalys: float
    discounted_qalys: float
    lines: tuple[LineAppraisal, ...]
    years: tuple[YearRow, ...]
    discount_factors: tuple[DiscountFactor, ...]
    switching_values: tuple[SwitchingValue, ...]
    value_per_qaly_switching: float | None
    monte_carlo_settings: MonteCarloSettings | None
    monte_carlo: MonteCarloResult | None
    tornado: tuple[TornadoBar, ...]
    uncertain_inputs: tuple[UncertainInputSummary, ...] = ()

    @property
    def pv_costs(self) -> float:
        return self.measures.pv_costs

    @property
    def pv_benefits(self) -> float:
        return self.measures.pv_benefits

    @property
    def npsv(self) -> float:
        return self.measures.npsv

    @property
    def bcr(self) -> float | None:
        return self.measures.bcr

    @property
    def roi(self) -> float | None:
        return self.measures.roi

    @property
    def payback_year(self) -> int | None:
        return self.measures.payback_year

    @property
    def irr(self) -> Irr:
        return self.measures.irr
