"""Criteria frameworks: criteria, their weights and scales, and the terms a score adds up from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.validation import require_finite, require_fraction
from bpv.errors import InvalidInput

WEIGHT_TOLERANCE = 1e-9


class CriterionSource(StrEnum):
    ASSESSOR = "assessor"
    COMPUTED = "computed"


class ComputedMeasure(StrEnum):
    """What a computed criterion is computed from."""

    LOGIC_MODEL_QUALITY = "logic_model_quality"
    EVIDENCE_STRENGTH = "evidence_strength"
    CONFIDENCE = "confidence"
    BCR_BAND = "bcr_band"


@dataclass(frozen=True)
class Scale:
    min: float
    max: float

    def from_fraction(self, fraction: float) -> float:
        return self.min + fraction * (self.max - self.min)

    def to_fraction(self, value: float) -> float:
        return (value - self.min) / (self.max - self.min)


@dataclass(frozen=True)
class Criterion:
    """A computed criterion names its `measure`; when omitted, a key that is a measure's name
    (e.g. "bcr_band") stands for it."""

    key: str
    name: str
    weight: float
    scale: Scale
    source: CriterionSource = CriterionSource.ASSESSOR
    measure: ComputedMeasure | None = None

    @property
    def computed_measure(self) -> ComputedMeasure | None:
        if self.source is CriterionSource.ASSESSOR:
            return None
        if self.measure is not None:
            return self.measure
        return ComputedMeasure(self.key) if self.key in set(ComputedMeasure) else None


@dataclass(frozen=True)
class CriteriaFramework:
    """Versioned criteria whose weights sum to 1; checked when built."""

    version: str
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        if not self.criteria:
            raise InvalidInput("a framework needs at least one criterion", "criteria")
        keys: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            at = f"criteria[{index}]"
            if criterion.key in keys:
                raise InvalidInput(f"criterion key {criterion.key!r} is repeated", f"{at}.key")
            keys.add(criterion.key)
            require_fraction(criterion.weight, f"{at}.weight")
            low = require_finite(criterion.scale.min, f"{at}.scale.min")
            high = require_finite(criterion.scale.max, f"{at}.scale.max")
            if not low < high:
                raise InvalidInput("a scale's min must be below its max", f"{at}.scale")
            if criterion.source is CriterionSource.COMPUTED and criterion.computed_measure is None:
                known = ", ".join(ComputedMeasure)
                raise InvalidInput(
                    f"computed criterion {criterion.key!r} needs a measure ({known})",
                    f"{at}.measure",
                )
        total = math.fsum(criterion.weight for criterion in self.criteria)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidInput(f"criteria weights sum to {total}, not 1", "criteria")

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    @property
    def weighted_scale(self) -> Scale:
        """The range a weighted score can take: sum(weight x min) to sum(weight x max)."""
        return Scale(
            math.fsum(c.weight * c.scale.min for c in self.criteria),
            math.fsum(c.weight * c.scale.max for c in self.criteria),
        )


@dataclass(frozen=True)
class ScoreTerm:
    """contribution = weight x value; a score is the sum of its terms' contributions."""

    name: str
    weight: float
    value: float
    contribution: float
    detail: str = ""


@dataclass(frozen=True)
class WeightedScore:
    score: float
    terms: tuple[ScoreTerm, ...]

    @classmethod
    def of_terms(cls, terms: Sequence[ScoreTerm]) -> WeightedScore:
        return cls(math.fsum(term.contribution for term in terms), tuple(terms))
