"""Cost and benefit lines: the flows an appraisal discounts, by financial year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.discounting import MAX_HORIZON
from bpv.appraisal.distributions import Distribution
from bpv.appraisal.inputs import UncertainInput
from bpv.appraisal.optimism_bias import OptimismBias
from bpv.appraisal.validation import require_finite, require_int, require_non_negative
from bpv.errors import InvalidInput
from bpv.hypotheses import BenefitType


@dataclass(frozen=True)
class Flow:
    """An amount in financial year `year` (2017 = 2017/18), in pounds at base-year prices.

    On a QALY benefit line the amount is a number of QALYs, monetised by the appraisal.
    """

    year: int
    amount: float


def flows_of(amounts: Mapping[int, float]) -> tuple[Flow, ...]:
    """Flows from a {year: amount} mapping, in year order."""
    return tuple(Flow(year, amount) for year, amount in sorted(amounts.items()))


class LineRole(StrEnum):
    COST = "cost"
    BENEFIT = "benefit"


class CostKind(StrEnum):
    CAPITAL = "capital"
    REVENUE = "revenue"


@dataclass(frozen=True)
class CostLine:
    """`optimism_bias` uplifts every flow: a bare number is a fraction (0.24 = 24%)."""

    name: str
    kind: CostKind
    flows: tuple[Flow, ...]
    optimism_bias: OptimismBias | float | None = None
    uncertainty: Distribution | None = None


@dataclass(frozen=True)
class BenefitLine:
    """Gross flows, made net by additionality and decayed by drop-off from the line's first year.

    The flow in year y is multiplied by (1 - deadweight)(1 - displacement)(1 - attribution) and
    by (1 - drop_off)^(y - y0), y0 being the line's first year with a non-zero flow.
    `optimism_bias` reduces it further (a fraction in [0, 1]). `source` traces the line to the
    hypothesis that claims it. `uncertainty` is a multiplier on its flows; `inputs` are other
    uncertain inputs behind them (a hypothesis's confidence, value per unit, additionality).
    """

    name: str
    type: BenefitType
    flows: tuple[Flow, ...]
    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0
    optimism_bias: OptimismBias | float | None = None
    uncertainty: Distribution | None = None
    source: str | None = None
    inputs: tuple[UncertainInput, ...] = ()


def checked_flows(
    flows: Sequence[Flow], base_year: int, field: str, *, non_negative: bool
) -> list[tuple[int, float]]:
    """(t, amount) pairs with t = year - base_year, after checking each flow."""
    if not flows:
        raise InvalidInput("a line needs at least one flow", field)
    seen: set[int] = set()
    checked: list[tuple[int, float]] = []
    for index, flow in enumerate(flows):
        year_field = f"{field}[{index}].year"
        year = require_int(flow.year, year_field)
        t = year - base_year
        if t < 0:
            raise InvalidInput(f"year {year} is before the base year {base_year}", year_field)
        if t > MAX_HORIZON:
            raise InvalidInput(
                f"year {year} is more than {MAX_HORIZON} years after the base year", year_field
            )
        if year in seen:
            raise InvalidInput(f"year {year} appears more than once in this line", year_field)
        seen.add(year)
        amount_field = f"{field}[{index}].amount"
        amount = (
            require_non_negative(flow.amount, amount_field)
            if non_negative
            else require_finite(flow.amount, amount_field)
        )
        checked.append((t, amount))
    return checked
