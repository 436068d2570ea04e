"""What a bid and its round give the bid appraisal: cost lines, hypotheses and settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bpv.appraisal.appraisal import DEFAULT_VALUE_PER_QALY
from bpv.appraisal.benefits import HypothesisUncertainty
from bpv.appraisal.discounting import DiscountSchedule
from bpv.appraisal.distributions import Distribution
from bpv.appraisal.lines import CostKind, Flow
from bpv.appraisal.optimism_bias import OptimismBias, resolve_optimism_bias
from bpv.appraisal.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED
from bpv.hypotheses import SuccessHypothesis


@dataclass(frozen=True)
class BidCostLine:
    """A bid's cost line. Its uplift is its own `optimism_bias` (a fraction, a grade of the
    round's table, or an upper bound reduced by mitigation), else the round's table entry for
    its `confidence_grade`, else none."""

    name: str
    kind: CostKind
    flows: tuple[Flow, ...]
    optimism_bias: OptimismBias | float | None = None
    confidence_grade: str | None = None
    uncertainty: Distribution | None = None


@dataclass(frozen=True)
class BidHypothesis:
    """A success hypothesis of the bid: `id` stays the same across versions, `number` is its
    place in the bid (1 for the first), and `uncertainty` gives distributions on its inputs."""

    id: str
    number: int
    hypothesis: SuccessHypothesis
    uncertainty: HypothesisUncertainty = field(default_factory=HypothesisUncertainty)

    @property
    def line_name(self) -> str:
        """The benefit line's name: its indicator, and which hypothesis claims it."""
        return f"{self.hypothesis.indicator.name} (hypothesis {self.number})"


@dataclass(frozen=True)
class BidInputs:
    """What a bid's current version gives the appraisal."""

    cost_lines: tuple[BidCostLine, ...] = ()
    requested_funding_years: tuple[int, ...] = ()
    hypotheses: tuple[BidHypothesis, ...] = ()


@dataclass(frozen=True)
class RoundMonteCarlo:
    """A round's Monte Carlo: samples and seed, and the multiplier distributions its bids' cost
    and benefit lines take when they carry none of their own."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    cost_uncertainty: Distribution | None = None
    benefit_uncertainty: Distribution | None = None


@dataclass(frozen=True)
class BidAppraisalSettings:
    """A round's appraisal settings; a `base_year` of None takes each bid's first year."""

    base_year: int | None = None
    discounting: DiscountSchedule = field(default_factory=DiscountSchedule.green_book)
    value_per_qaly: float = DEFAULT_VALUE_PER_QALY
    value_per_qaly_uncertainty: Distribution | None = None
    optimism_bias_table: Mapping[str, float] = field(default_factory=dict)
    benefit_optimism_bias: float = 0.0
    confidence_weighted: bool = False
    persistence_years: int = 0
    monte_carlo: RoundMonteCarlo | None = None


@dataclass(frozen=True)
class MonteCarloRequest:
    """What one request asks of the round's Monte Carlo; all None defers to the round."""

    enabled: bool | None = None
    samples: int | None = None
    seed: int | None = None

    @property
    def given(self) -> bool:
        return self.enabled is True or self.samples is not None or self.seed is not None


def check_cost_line(line: BidCostLine, field_name: str) -> None:
    """Raise `InvalidInput` for a cost line no round could appraise (its grade aside)."""
    if line.uncertainty is not None:
        line.uncertainty.validate(f"{field_name}.uncertainty")
    spec = line.optimism_bias
    if not (isinstance(spec, OptimismBias) and spec.grade is not None):
        resolve_optimism_bias(spec, {}, f"{field_name}.optimism_bias")
