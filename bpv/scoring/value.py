"""BCR bands and the value score that combines quality and return to rank bids (SPEC 4.8)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.validation import require_finite, require_fraction
from bpv.errors import InvalidInput
from bpv.scoring.framework import WEIGHT_TOLERANCE, CriteriaFramework, ScoreTerm, WeightedScore


@dataclass(frozen=True)
class BcrBand:
    """Bids with BCR from `lower` (inclusive unless `lower_inclusive` is False) up to the next
    band's lower bound; `value` places the band on a [0, 1] scale."""

    name: str
    lower: float
    value: float
    lower_inclusive: bool = True


DEFAULT_BCR_BANDS = (
    BcrBand("poor", -math.inf, 0.0),
    BcrBand("low", 1.0, 0.25),
    BcrBand("medium", 1.5, 0.5),
    BcrBand("high", 2.0, 0.75),
    BcrBand("very_high", 4.0, 1.0, lower_inclusive=False),
)
"""DfT value-for-money categories: below 1 poor, 1-1.5 low, 1.5-2 medium, 2-4 high, above 4
very high."""


def check_bcr_bands(bands: Sequence[BcrBand], field_name: str = "bcr_bands") -> None:
    if not bands:
        raise InvalidInput("at least one BCR band is needed", field_name)
    previous = -math.inf
    for index, band in enumerate(bands):
        at = f"{field_name}[{index}]"
        require_fraction(band.value, f"{at}.value")
        if index == 0:
            continue
        lower = require_finite(band.lower, f"{at}.lower")
        if lower <= previous:
            raise InvalidInput("band lower bounds must increase", f"{at}.lower")
        previous = lower


def bcr_band(bcr: float | None, bands: Sequence[BcrBand] = DEFAULT_BCR_BANDS) -> BcrBand | None:
    """The band a BCR falls in; None when the BCR is undefined (no costs)."""
    if bcr is None:
        return None
    check_bcr_bands(bands)
    chosen = bands[0]
    for band in bands[1:]:
        if bcr > band.lower or (band.lower_inclusive and bcr == band.lower):
            chosen = band
    return chosen


class ReturnMeasure(StrEnum):
    BCR_BAND = "bcr_band"
    BCR_LINEAR = "bcr_linear"


@dataclass(frozen=True)
class ValueSettings:
    """How a round turns quality and return into the value score that ranks bids.

    value = quality_weight x normalised weighted score + return_weight x normalised return,
    where the return is the BCR band's value, or for `bcr_linear` min(max(BCR, 0) / bcr_cap, 1).
    """

    quality_weight: float = 0.5
    return_weight: float = 0.5
    return_measure: ReturnMeasure = ReturnMeasure.BCR_BAND
    bcr_bands: tuple[BcrBand, ...] = DEFAULT_BCR_BANDS
    bcr_cap: float = 4.0

    def validate(self, field_name: str = "value") -> None:
        quality = require_fraction(self.quality_weight, f"{field_name}.quality_weight")
        returns = require_fraction(self.return_weight, f"{field_name}.return_weight")
        if abs(quality + returns - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidInput("quality and return weights must sum to 1", field_name)
        check_bcr_bands(self.bcr_bands, f"{field_name}.bcr_bands")
        if require_finite(self.bcr_cap, f"{field_name}.bcr_cap") <= 0.0:
            raise InvalidInput("bcr_cap must be positive", f"{field_name}.bcr_cap")


def value_score(
    framework: CriteriaFramework,
    weighted: float,
    bcr: float | None,
    settings: ValueSettings | None = None,
) -> WeightedScore:
    """The value score in [0, 1] with its two terms, quality and return."""
    settings = settings or ValueSettings()
    settings.validate()
    scale = framework.weighted_scale
    quality = scale.to_fraction(require_finite(weighted, "weighted_score"))
    if not -WEIGHT_TOLERANCE <= quality <= 1.0 + WEIGHT_TOLERANCE:
        raise InvalidInput(
            f"weighted score {weighted} is outside {scale.min} to {scale.max}", "weighted_score"
        )
    quality_term = ScoreTerm(
        "quality",
        settings.quality_weight,
        quality,
        settings.quality_weight * quality,
        f"weighted score {weighted:.3f} on {scale.min:g} to {scale.max:g}",
    )
    if bcr is None:
        returns, detail = 0.0, "BCR undefined (no costs)"
    elif settings.return_measure is ReturnMeasure.BCR_LINEAR:
        returns = min(max(bcr, 0.0) / settings.bcr_cap, 1.0)
        detail = f"BCR {bcr:.2f} over a cap of {settings.bcr_cap:g}"
    else:
        band = bcr_band(bcr, settings.bcr_bands)
        assert band is not None
        returns, detail = band.value, f"BCR {bcr:.2f} is in band {band.name}"
    return_term = ScoreTerm(
        "return", settings.return_weight, returns, settings.return_weight * returns, detail
    )
    return WeightedScore.of_terms([quality_term, return_term])
