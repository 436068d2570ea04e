"""Optimism bias: the fraction by which a cost line is uplifted or a benefit line reduced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpv.appraisal.validation import require_finite, require_fraction, require_non_negative
from bpv.errors import InvalidInput

CONTRIBUTION_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RiskArea:
    """A contributing factor to optimism bias (Green Book supplementary guidance).

    `contribution` is its share of the upper bound; `mitigation` how far the project has
    mitigated it (0 none, 1 fully). Both in [0, 1].
    """

    name: str
    contribution: float
    mitigation: float


@dataclass(frozen=True)
class OptimismBias:
    """Exactly one of: a `fraction`; a confidence `grade` looked up in the round's table; or an
    `upper_bound` reduced by mitigated risk areas: upper_bound x (1 - sum(contribution x
    mitigation))."""

    fraction: float | None = None
    grade: str | None = None
    upper_bound: float | None = None
    risk_areas: tuple[RiskArea, ...] = ()

    @classmethod
    def of_fraction(cls, fraction: float) -> OptimismBias:
        return cls(fraction=fraction)

    @classmethod
    def from_grade(cls, grade: str) -> OptimismBias:
        return cls(grade=grade)

    @classmethod
    def mitigated(cls, upper_bound: float, risk_areas: Sequence[RiskArea]) -> OptimismBias:
        return cls(upper_bound=upper_bound, risk_areas=tuple(risk_areas))

    def resolve(self, table: Mapping[str, float], field: str) -> float:
        """The fraction this specification stands for; `field` names it for errors."""
        given = [self.fraction is not None, self.grade is not None, self.upper_bound is not None]
        if sum(given) != 1:
            raise InvalidInput(
                "optimism bias needs exactly one of fraction, grade or upper_bound", field
            )
        if self.fraction is not None:
            return require_non_negative(self.fraction, f"{field}.fraction")
        if self.grade is not None:
            if self.grade not in table:
                known = ", ".join(sorted(table)) or "none"
                raise InvalidInput(
                    f"no optimism-bias fraction for grade {self.grade!r} (known: {known})",
                    f"{field}.grade",
                )
            return require_non_negative(table[self.grade], f"optimism_bias_table.{self.grade}")
        assert self.upper_bound is not None
        upper_bound = require_non_negative(self.upper_bound, f"{field}.upper_bound")
        return upper_bound * (1.0 - mitigated_share(self.risk_areas, f"{field}.risk_areas"))


def mitigated_share(risk_areas: Sequence[RiskArea], field: str) -> float:
    """sum(contribution x mitigation): the share of the upper bound the project has mitigated."""
    total_contribution = 0.0
    share = 0.0
    for index, area in enumerate(risk_areas):
        contribution = require_fraction(area.contribution, f"{field}[{index}].contribution")
        mitigation = require_fraction(area.mitigation, f"{field}[{index}].mitigation")
        total_contribution += contribution
        share += contribution * mitigation
    if total_contribution > 1.0 + CONTRIBUTION_TOLERANCE:
        raise InvalidInput(
            f"risk-area contributions add up to {total_contribution}, more than 1", field
        )
    return share


def resolve_optimism_bias(
    spec: OptimismBias | float | None,
    table: Mapping[str, float],
    field: str,
    *,
    default: float = 0.0,
    at_most_one: bool = False,
) -> float:
    """The fraction for a line: a bare number is a fraction; None takes `default`.

    Benefit reductions pass `at_most_one` because a benefit cannot be reduced by more than
    all of it.
    """
    if spec is None:
        fraction = default
    elif isinstance(spec, OptimismBias):
        fraction = spec.resolve(table, field)
    else:
        fraction = require_non_negative(spec, field)
    fraction = require_finite(fraction, field)
    if at_most_one and fraction > 1.0:
        raise InvalidInput(f"a benefit reduction must not exceed 1, got {fraction}", field)
    return fraction
