"""BCR bands, return measures and the value score that combines quality and return (SPEC 4.8)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bpv.appraisal.validation import require_finite, require_fraction
from bpv.errors import InvalidInput
from bpv.scoring.framework import (
    WEIGHT_TOLERANCE,
    ComputedMeasure,
    CriteriaFramework,
    ScoreTerm,
    WeightedScore,
)


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
    CASH_RELEASING_ROI = "cash_releasing_roi"
    NPSV_PER_POUND = "npsv_per_pound"


class ReturnScaling(StrEnum):
    """How a bid's raw return measure becomes a [0, 1] fraction.

    fixed: by the round's rule (BCR bands, caps), the same whatever else is bid;
    round: min-max over the bids being ranked, so the lowest scores 0 and the highest 1.
    """

    FIXED = "fixed"
    ROUND = "round"


@dataclass(frozen=True)
class ReturnFigures:
    """A bid's return figures from its appraisal; None where a measure is undefined (no costs).

    `requested_funding` is the pounds the bid asks for: NPSV per pound is npsv over it, undefined
    when it is not positive.
    """

    bcr: float | None
    cash_releasing_roi: float | None
    npsv: float | None
    requested_funding: float

    @classmethod
    def of_bcr(cls, bcr: float | None) -> ReturnFigures:
        """Only a BCR known: every other measure undefined."""
        return cls(bcr, None, None, 0.0)

    @property
    def npsv_per_pound(self) -> float | None:
        if self.npsv is None or self.requested_funding <= 0.0:
            return None
        return self.npsv / self.requested_funding

    def check(self, field_name: str = "returns") -> None:
        for name in ("bcr", "cash_releasing_roi", "npsv"):
            figure = getattr(self, name)
            if figure is not None:
                require_finite(figure, f"{field_name}.{name}")
        require_finite(self.requested_funding, f"{field_name}.requested_funding")


@dataclass(frozen=True)
class ValueSettings:
    """How a round turns quality and return into the value score that ranks bids.

    value = quality_weight x normalised weighted score + return_weight x normalised return.
    With fixed scaling the return is: bcr_band, the BCR band's value; bcr_linear,
    min(max(BCR, 0) / bcr_cap, 1); cash_releasing_roi, linear from ROI -1 (0) to roi_cap (1),
    clipped; npsv_per_pound, min(max(NPSV / requested funding, 0) / npsv_per_pound_cap, 1).
    With round scaling the same raw measure (the band's value, BCR, ROI or NPSV per pound) is
    scaled min-max over the bids being ranked.
    """

    quality_weight: float = 0.5
    return_weight: float = 0.5
    return_measure: ReturnMeasure = ReturnMeasure.BCR_BAND
    bcr_bands: tuple[BcrBand, ...] = DEFAULT_BCR_BANDS
    bcr_cap: float = 4.0
    roi_cap: float = 1.0
    npsv_per_pound_cap: float = 3.0
    return_scaling: ReturnScaling = ReturnScaling.FIXED

    def validate(self, field_name: str = "value") -> None:
        quality = require_fraction(self.quality_weight, f"{field_name}.quality_weight")
        returns = require_fraction(self.return_weight, f"{field_name}.return_weight")
        if abs(quality + returns - 1.0) > WEIGHT_TOLERANCE:
            raise InvalidInput("quality and return weights must sum to 1", field_name)
        check_bcr_bands(self.bcr_bands, f"{field_name}.bcr_bands")
        for cap in ("bcr_cap", "roi_cap", "npsv_per_pound_cap"):
            if require_finite(getattr(self, cap), f"{field_name}.{cap}") <= 0.0:
                raise InvalidInput(f"{cap} must be positive", f"{field_name}.{cap}")


def return_measure_value(returns: ReturnFigures, settings: ValueSettings) -> float | None:
    """The raw return measure the settings choose (the BCR band's value, BCR, cash-releasing ROI
    or NPSV per pound); None when undefined."""
    measure = settings.return_measure
    if measure is ReturnMeasure.CASH_RELEASING_ROI:
        return returns.cash_releasing_roi
    if measure is ReturnMeasure.NPSV_PER_POUND:
        return returns.npsv_per_pound
    if measure is ReturnMeasure.BCR_LINEAR or returns.bcr is None:
        return returns.bcr
    band = bcr_band(returns.bcr, settings.bcr_bands)
    assert band is not None
    return band.value


def _clip(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)


def _fixed_return(returns: ReturnFigures, raw: float, settings: ValueSettings) -> tuple[float, str]:
    measure = settings.return_measure
    if measure is ReturnMeasure.BCR_LINEAR:
        return _clip(raw / settings.bcr_cap), f"BCR {raw:.2f} over a cap of {settings.bcr_cap:g}"
    if measure is ReturnMeasure.CASH_RELEASING_ROI:
        return (
            _clip((raw + 1.0) / (settings.roi_cap + 1.0)),
            f"cash-releasing ROI {raw:.2f} on -1 to a cap of {settings.roi_cap:g}",
        )
    if measure is ReturnMeasure.NPSV_PER_POUND:
        return (
            _clip(raw / settings.npsv_per_pound_cap),
            f"NPSV per pound {raw:.2f} over a cap of {settings.npsv_per_pound_cap:g}",
        )
    band = bcr_band(returns.bcr, settings.bcr_bands)
    assert band is not None
    return raw, f"BCR {returns.bcr:.2f} is in band {band.name}"


_MEASURE_NAMES = {
    ReturnMeasure.BCR_BAND: "BCR band value",
    ReturnMeasure.BCR_LINEAR: "BCR",
    ReturnMeasure.CASH_RELEASING_ROI: "cash-releasing ROI",
    ReturnMeasure.NPSV_PER_POUND: "NPSV per pound",
}


_UNDEFINED = {
    ReturnMeasure.BCR_BAND: "BCR undefined (no costs)",
    ReturnMeasure.BCR_LINEAR: "BCR undefined (no costs)",
    ReturnMeasure.CASH_RELEASING_ROI: "cash-releasing ROI undefined (no costs)",
    ReturnMeasure.NPSV_PER_POUND: "NPSV per pound undefined (no NPSV or no funding requested)",
}


def _round_return(
    raw: float, low: float, high: float, settings: ValueSettings
) -> tuple[float, str]:
    name = _MEASURE_NAMES[settings.return_measure]
    if high == low:
        return 1.0, f"{name} {raw:.2f}, as every bid in the round has"
    return (
        (raw - low) / (high - low),
        f"{name} {raw:.2f} on the round's {low:.2f} (0) to {high:.2f} (1)",
    )


def _return_term(
    returns: ReturnFigures,
    settings: ValueSettings,
    return_range: tuple[float, float] | None,
) -> ScoreTerm:
    raw = return_measure_value(returns, settings)
    if raw is None:
        value, detail = 0.0, _UNDEFINED[settings.return_measure]
    elif settings.return_scaling is ReturnScaling.ROUND and return_range is not None:
        low, high = return_range
        value, detail = _round_return(raw, low, high, settings)
    else:
        value, detail = _fixed_return(returns, raw, settings)
        if settings.return_scaling is ReturnScaling.ROUND:
            detail += " (the fixed rule: no range over the round was given)"
    return ScoreTerm(
        "return", settings.return_weight, value, settings.return_weight * value, detail
    )


def _check_return_range(
    return_range: tuple[float, float], raw: float | None
) -> tuple[float, float]:
    low = require_finite(return_range[0], "return_range[0]")
    high = require_finite(return_range[1], "return_range[1]")
    if low > high:
        raise InvalidInput("return_range runs from its min to its max", "return_range")
    if raw is not None and not low <= raw <= high:
        raise InvalidInput(
            f"the bid's return measure {raw} is outside the range {low} to {high}", "return_range"
        )
    return low, high


def value_score(
    framework: CriteriaFramework,
    weighted: float,
    returns: ReturnFigures | float | None,
    settings: ValueSettings | None = None,
    *,
    return_range: tuple[float, float] | None = None,
) -> WeightedScore:
    """The value score in [0, 1] with its two terms, quality and return.

    `returns` is the bid's return figures, or its BCR alone (then only the BCR measures apply).
    `return_range` is the (min, max) of the raw return measure over the round's bids, used by
    round scaling.
    """
    settings = settings or ValueSettings()
    settings.validate()
    figures = _return_figures(returns, settings)
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
    if return_range is not None and settings.return_scaling is ReturnScaling.ROUND:
        return_range = _check_return_range(return_range, return_measure_value(figures, settings))
    return WeightedScore.of_terms([quality_term, _return_term(figures, settings, return_range)])


def _return_figures(
    returns: ReturnFigures | float | None, settings: ValueSettings
) -> ReturnFigures:
    if isinstance(returns, ReturnFigures):
        returns.check()
        return returns
    if settings.return_measure not in {ReturnMeasure.BCR_BAND, ReturnMeasure.BCR_LINEAR}:
        raise InvalidInput(
            f"the return measure {settings.return_measure} needs the bid's return figures, "
            "not its BCR alone",
            "returns",
        )
    return ReturnFigures.of_bcr(None if returns is None else require_finite(returns, "returns"))


def check_return_counted_once(
    framework: CriteriaFramework, value: ValueSettings, field_name: str = "settings.value"
) -> None:
    """Refuse a value score that adds return to criteria that already score it (SPEC 4.8)."""
    for criterion in framework.criteria:
        if criterion.computed_measure is ComputedMeasure.BCR_BAND and value.return_weight > 0.0:
            raise InvalidInput(
                f"the criteria already score return (criterion {criterion.key!r}); a value "
                "score adding return again would count it twice: set return_weight to 0 or "
                "drop the criterion",
                f"{field_name}.return_weight",
            )
