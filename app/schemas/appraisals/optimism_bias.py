"""Optimism bias as a request gives it: a fraction, a grade of a table, or a mitigated bound."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Strict, Tag

from app.schemas.common import ONLY_MATCHING_KEYS, Fraction, Key, Name, Schema

Uplift = Annotated[
    float,
    Strict(),
    Field(ge=0, le=10, description="A fraction: 0.24 uplifts a cost by 24%."),
]


class RiskAreaIn(Schema):
    name: Name
    contribution: Fraction = Field(description="Its share of the upper bound.")
    mitigation: Fraction = Field(description="How far it is mitigated: 0 not at all, 1 fully.")


class OptimismBiasGrade(Schema):
    grade: Key = Field(
        description="Looked up in `optimism_bias_table` for a cost and in "
        "`benefit_optimism_bias_table` for a benefit; on a bid, in the round's table."
    )


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


OptimismBiasTable = Annotated[
    dict[Key, Uplift],
    Field(
        max_length=50,
        description="Confidence grade → a fraction.",
        json_schema_extra=ONLY_MATCHING_KEYS,
    ),
]
