"""The funded portfolio (SPEC 4.7): the provably best set of options within per-year and total
budgets, groups of alternatives, dependencies and share limits, by exact integer programming,
with why each option is in or out."""

from bpv.portfolio.answer import (
    BindingConstraint,
    ConflictItem,
    FrontierPoint,
    GreedyComparison,
    MarginalValue,
    OptionReason,
    PortfolioAnswer,
    ReasonCode,
    SolverInfo,
    Status,
)
from bpv.portfolio.inputs import (
    DEFAULT_FRONTIER,
    MAX_AMOUNT,
    MAX_FRONTIER_POINTS,
    MAX_NEAR_LINE,
    MAX_OPTIONS,
    MAX_TIME_LIMIT,
    MAX_YEARS,
    Budget,
    Option,
    ShareDimension,
    ShareLimit,
    SolveSettings,
)
from bpv.portfolio.optimise import optimise
from bpv.portfolio.problem import PortfolioProblem
from bpv.portfolio.worker import (
    GRACE_SECONDS,
    RESERVE_SECONDS,
    WorkerFailed,
    optimise_within_deadline,
    start_worker_server,
)

__all__ = [
    "DEFAULT_FRONTIER",
    "GRACE_SECONDS",
    "MAX_AMOUNT",
    "MAX_FRONTIER_POINTS",
    "MAX_NEAR_LINE",
    "MAX_OPTIONS",
    "MAX_TIME_LIMIT",
    "MAX_YEARS",
    "RESERVE_SECONDS",
    "BindingConstraint",
    "Budget",
    "ConflictItem",
    "FrontierPoint",
    "GreedyComparison",
    "MarginalValue",
    "Option",
    "OptionReason",
    "PortfolioAnswer",
    "PortfolioProblem",
    "ReasonCode",
    "ShareDimension",
    "ShareLimit",
    "SolveSettings",
    "SolverInfo",
    "Status",
    "WorkerFailed",
    "optimise",
    "optimise_within_deadline",
    "start_worker_server",
]
