"""Investment appraisal to the Green Book: discounting, measures, optimism bias, uncertainty.

Start with `appraise(costs, benefits, AppraisalSettings(base_year=2017))`.
"""

from bpv.appraisal.additionality import additionality_factor, persistence_factors
from bpv.appraisal.appraisal import (
    DEFAULT_VALUE_PER_QALY,
    METHOD_VERSION,
    Appraisal,
    AppraisalSettings,
    DiscountFactor,
    LineAppraisal,
    YearRow,
)
from bpv.appraisal.benefits import (
    HypothesisBenefitFlow,
    HypothesisBenefits,
    HypothesisUncertainty,
    benefit_lines_from_hypotheses,
    benefits_from_hypothesis,
    financial_year,
    require_trajectory,
    trajectory_levels,
)
from bpv.appraisal.bid import (
    BaseYearSource,
    BenefitTrace,
    BidAppraisal,
    CostTrace,
    Missing,
    UpliftSource,
    appraise_bid,
)
from bpv.appraisal.bid_inputs import (
    BidAppraisalSettings,
    BidCostLine,
    BidHypothesis,
    BidInputs,
    MonteCarloRequest,
    RoundMonteCarlo,
    check_cost_line,
)
from bpv.appraisal.discounting import MAX_HORIZON, DiscountSchedule, ScheduleKind
from bpv.appraisal.distributions import Distribution, Normal, Pert, Triangular, Uniform
from bpv.appraisal.engine import appraise, uncertain_inputs
from bpv.appraisal.inputs import InputKind, UncertainInput
from bpv.appraisal.lines import BenefitLine, CostKind, CostLine, Flow, LineRole, flows_of
from bpv.appraisal.measures import Irr, IrrStatus, Measures, internal_rate_of_return
from bpv.appraisal.optimism_bias import OptimismBias, RiskArea
from bpv.appraisal.uncertainty import (
    DEFAULT_SAMPLES,
    MAX_SAMPLE_CELLS,
    MAX_SAMPLES,
    MonteCarloResult,
    MonteCarloSettings,
    Summary,
    SwitchingValue,
    TornadoBar,
    UncertainInputSummary,
    check_sample_budget,
)

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_VALUE_PER_QALY",
    "MAX_HORIZON",
    "MAX_SAMPLES",
    "MAX_SAMPLE_CELLS",
    "METHOD_VERSION",
    "Appraisal",
    "AppraisalSettings",
    "BaseYearSource",
    "BenefitLine",
    "BenefitTrace",
    "BidAppraisal",
    "BidAppraisalSettings",
    "BidCostLine",
    "BidHypothesis",
    "BidInputs",
    "CostKind",
    "CostLine",
    "CostTrace",
    "DiscountFactor",
    "DiscountSchedule",
    "Distribution",
    "Flow",
    "HypothesisBenefitFlow",
    "HypothesisBenefits",
    "HypothesisUncertainty",
    "InputKind",
    "Irr",
    "IrrStatus",
    "LineAppraisal",
    "LineRole",
    "Measures",
    "Missing",
    "MonteCarloRequest",
    "MonteCarloResult",
    "MonteCarloSettings",
    "Normal",
    "OptimismBias",
    "Pert",
    "RiskArea",
    "RoundMonteCarlo",
    "ScheduleKind",
    "Summary",
    "SwitchingValue",
    "TornadoBar",
    "Triangular",
    "UncertainInput",
    "UncertainInputSummary",
    "Uniform",
    "UpliftSource",
    "YearRow",
    "additionality_factor",
    "appraise",
    "appraise_bid",
    "benefit_lines_from_hypotheses",
    "benefits_from_hypothesis",
    "check_cost_line",
    "check_sample_budget",
    "financial_year",
    "flows_of",
    "internal_rate_of_return",
    "persistence_factors",
    "require_trajectory",
    "trajectory_levels",
    "uncertain_inputs",
]
