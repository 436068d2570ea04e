"""What a portfolio optimisation takes: the options a panel may fund, the budget, share limits
of the envelope and how hard to try."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MAX_TIME_LIMIT = 60.0
"""Seconds. The answer comes back by then however hard the problem."""
MAX_OPTIONS = 100_000
MAX_YEARS = 30
MAX_FRONTIER_POINTS = 25
MAX_FRONTIER_SHARE = 10.0
MAX_NEAR_LINE = 50
MAX_AMOUNT = 1e12
"""Pounds (and units of value): a trillion. Far beyond any round, and well inside the range in
which the solver's tolerances of a millionth stay below half a penny."""
MIN_YEAR = 1900
MAX_YEAR = 2999
DEFAULT_FRONTIER = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)


class ShareDimension(StrEnum):
    PROGRAMME_AREA = "programme_area"
    FOOTPRINT = "footprint"


@dataclass(frozen=True)
class Option:
    """One thing a panel may fund: a bid, or one scale of a bid.

    `cost` is pounds, as one number or by financial year; `group` puts alternatives together
    (at most one option of a group is funded); `requires` names options that must be funded
    for this one to be; `mandatory` options are funded whatever they cost, `excluded` ones never.
    """

    id: str
    value: float
    cost: float | Mapping[int, float]
    group: str | None = None
    requires: tuple[str, ...] = ()
    mandatory: bool = False
    excluded: bool = False
    programme_area: str | None = None
    footprint: str | None = None

    @property
    def total_cost(self) -> float:
        if isinstance(self.cost, Mapping):
            return float(sum(self.cost.values()))
        return float(self.cost)


@dataclass(frozen=True)
class Budget:
    """A total, budgets by financial year, or both. When there are yearly budgets every cost
    must be given by year, and only in those years."""

    total: float | None = None
    by_year: Mapping[int, float] = field(default_factory=dict)

    @property
    def envelope(self) -> float:
        """What share limits are fractions of: the total, else the sum of the yearly budgets."""
        if self.total is not None:
            return float(self.total)
        return float(sum(self.by_year.values()))


@dataclass(frozen=True)
class ShareLimit:
    """The options of one programme area or one footprint together cost (over all years) at
    least `min_share` and at most `max_share` of the envelope."""

    dimension: ShareDimension
    key: str
    min_share: float | None = None
    max_share: float | None = None

    @property
    def name(self) -> str:
        return f"share {self.dimension.value} {self.key}"


@dataclass(frozen=True)
class SolveSettings:
    """How hard to try and what to explain.

    `gap_tolerance`: the answer is `optimal` only when its value is proven within this fraction
    of the best possible (0: exactly the best). `time_limit`: seconds for the whole answer,
    explanations included. `frontier`: the envelope shares at which the best value is found
    again. `near_line`: how many options nearest the funding line are re-solved forced the other
    way. `marginal_step`: the extra budget asked about in the marginal values, as a fraction of
    the budget concerned.
    """

    gap_tolerance: float = 0.0
    time_limit: float = 10.0
    explain: bool = True
    frontier: tuple[float, ...] = DEFAULT_FRONTIER
    near_line: int = 5
    marginal_step: float = 0.05
