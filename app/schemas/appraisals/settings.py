"""A round's appraisal settings: discounting, optimism bias, Monte Carlo, how bids are scored."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, Strict, model_validator

from app.schemas.appraisals.optimism_bias import Uplift
from app.schemas.appraisals.requests import Discounting, MonteCarloIn, ValuePerQaly
from app.schemas.common import FinancialYear, Fraction, Name, Schema, WholeNumber, cross_field_rule
from app.schemas.distributions import Uncertainty
from bpv.appraisal import DEFAULT_VALUE_PER_QALY
from bpv.benefits import Cadence, TrackingSettings
from bpv.logic_model import EvidenceGrade
from bpv.scoring import (
    DEFAULT_BCR_BANDS,
    DEFAULT_DISAGREEMENT_TOLERANCE,
    DEFAULT_EVIDENCE_STRENGTH,
    WEIGHT_TOLERANCE,
    Combination,
    ReturnMeasure,
    ReturnScaling,
)


class BcrBandIn(Schema):
    name: Name
    lower: Annotated[float, Strict(), Field(ge=-1e6, le=1e6)] | None = Field(
        description="Lowest BCR in the band; None (first band only) for no lower bound."
    )
    value: Fraction = Field(description="The band's place on a [0, 1] scale.")
    lower_inclusive: Annotated[bool, Strict()] = True


def _default_bcr_bands() -> list[BcrBandIn]:
    return [
        BcrBandIn(
            name=band.name,
            lower=band.lower if math.isfinite(band.lower) else None,
            value=band.value,
            lower_inclusive=band.lower_inclusive,
        )
        for band in DEFAULT_BCR_BANDS
    ]


class ValueSettingsIn(Schema):
    """value = quality_weight x normalised weighted score + return_weight x normalised return."""

    quality_weight: Fraction = 0.5
    return_weight: Fraction = Field(
        default=0.5,
        description="Must be 0 when the criteria score return themselves (a computed bcr_band "
        "criterion): return is never counted twice.",
    )
    return_measure: ReturnMeasure = Field(
        default=ReturnMeasure.BCR_BAND,
        description="bcr_band: the band's value; bcr_linear: min(max(BCR, 0) / bcr_cap, 1); "
        "cash_releasing_roi: ROI from -1 (0) to roi_cap (1); npsv_per_pound: NPSV per pound "
        "requested, min(max(x, 0) / npsv_per_pound_cap, 1).",
    )
    return_scaling: ReturnScaling = Field(
        default=ReturnScaling.FIXED,
        description="fixed: each bid's measure mapped by the rule above, whatever the other "
        "bids; round: mapped min-max over the round's ranked bids (best 1, worst 0), which "
        "makes a bid's value depend on the others (the ranking reports rank reversals).",
    )
    bcr_bands: list[BcrBandIn] = Field(
        default_factory=_default_bcr_bands,
        min_length=1,
        max_length=20,
        description="Defaults to the DfT value-for-money categories: below 1 poor, 1-1.5 low, "
        "1.5-2 medium, 2-4 high, above 4 very high.",
    )
    bcr_cap: Annotated[float, Strict(), Field(gt=0, le=1e6)] = 4.0
    roi_cap: Annotated[float, Strict(), Field(gt=0, le=1e6)] = 1.0
    npsv_per_pound_cap: Annotated[float, Strict(), Field(gt=0, le=1e6)] = 3.0


class RoundMonteCarlo(MonteCarloIn):
    """Monte Carlo for the round's bid appraisals; bids' lines take these distributions."""

    cost_uncertainty: Uncertainty | None = None
    benefit_uncertainty: Uncertainty | None = None


class EvidenceStrengthIn(Schema):
    """How strong each GRADE of evidence counts, as a fraction of the criterion's scale."""

    high: Fraction = DEFAULT_EVIDENCE_STRENGTH[EvidenceGrade.HIGH]
    moderate: Fraction = DEFAULT_EVIDENCE_STRENGTH[EvidenceGrade.MODERATE]
    low: Fraction = DEFAULT_EVIDENCE_STRENGTH[EvidenceGrade.LOW]
    very_low: Fraction = DEFAULT_EVIDENCE_STRENGTH[EvidenceGrade.VERY_LOW]

    def by_grade(self) -> dict[EvidenceGrade, float]:
        return {grade: getattr(self, grade.value) for grade in EvidenceGrade}


class QualityWeightsIn(Schema):
    """The weights of the logic-model quality score's terms, summing to 1.

    The defaults are the domain's (binary fractions, so a model without warnings scores
    exactly 1).
    """

    chain_completeness: Fraction = Field(
        default=0.375, description="Share of nodes on an input → impact path."
    )
    indicator_coverage: Fraction = Field(
        default=0.25, description="Share of outcomes and impacts with an indicator."
    )
    evidence_coverage: Fraction = Field(
        default=0.125, description="Share of edges citing evidence."
    )
    rationale_coverage: Fraction = Field(
        default=0.125, description="Share of edges giving a rationale."
    )
    stage_continuity: Fraction = Field(
        default=0.125, description="Share of edges that skip no stage."
    )

    @model_validator(mode="after")
    def _sum_to_one(self) -> QualityWeightsIn:
        total = math.fsum(self.by_term().values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise cross_field_rule(f"quality weights sum to {total}, not 1")
        return self

    def by_term(self) -> dict[str, float]:
        """Term name → weight, as the logic model's quality score names its terms."""
        return self.model_dump()


_TRACKING = TrackingSettings()


class BenefitsSettingsIn(Schema):
    """How the round's funded bids are tracked (SPEC 4.9): the RAG tolerances, the grace
    before a period's measurement is missing, and the reporting cadence."""

    amber: Fraction = Field(
        default=_TRACKING.amber,
        description="A shortfall against the predicted improvement to date, as a fraction of "
        "it, beyond which a period is amber.",
    )
    red: Fraction = Field(
        default=_TRACKING.red,
        description="The shortfall beyond which a period is red; at least `amber`.",
    )
    grace_days: Annotated[int, Strict(), Field(ge=0, le=3660), WholeNumber] = Field(
        default=_TRACKING.grace_days,
        description="Days after a period ends that its measurement may arrive before the "
        "period is reported missing.",
    )
    cadence: Cadence = Field(
        default=_TRACKING.cadence, description="Periods are months or quarters."
    )

    @model_validator(mode="after")
    def _red_beyond_amber(self) -> BenefitsSettingsIn:
        if self.red < self.amber:
            raise cross_field_rule(f"red ({self.red}) is below amber ({self.amber})")
        return self


class CalibrationSettingsIn(Schema):
    """Whether the round's appraisals report a reference-class (calibrated) adjustment beside
    the unadjusted figures, and how much history a factor needs."""

    apply: Annotated[bool, Strict()] = Field(
        default=False,
        description="Report a `calibrated` section beside each bid's unadjusted appraisal; "
        "ranking always reads the unadjusted figures.",
    )
    min_bids: Annotated[int, Strict(), Field(ge=2, le=10_000), WholeNumber] = Field(
        default=3, description="Funded bids a reference class needs before it gives a factor."
    )
    min_periods: Annotated[int, Strict(), Field(ge=0, le=10_000), WholeNumber] = Field(
        default=6, description="Measured periods a funded bid needs to count."
    )


class RoundSettings(Schema):
    """A round's appraisal settings; every field has a default."""

    base_year: FinancialYear | None = Field(
        default=None,
        description="Year 0 of discounting. Unset: the first year of each proposal (its first "
        "cost, requested funding or hypothesis target).",
    )
    discounting: Discounting = Field(
        default_factory=Discounting, description="Defaults to the Green Book schedule."
    )
    value_per_qaly: ValuePerQaly = Field(
        default=DEFAULT_VALUE_PER_QALY, description="Pounds per QALY."
    )
    value_per_qaly_uncertainty: Uncertainty | None = Field(
        default=None,
        description="A distribution of the value of a QALY in pounds, centred on "
        "`value_per_qaly` (e.g. a normal of that mean); Monte Carlo draws it once per sample "
        "for every QALY line of a bid.",
    )
    optimism_bias_table: dict[EvidenceGrade, Uplift] = Field(
        default_factory=dict,
        description="Cost uplift by a cost line's confidence_grade (or its optimism_bias "
        "`{grade}`), for lines that give no fraction or upper bound of their own. Empty by "
        "default: a graded line with no entry is appraised without uplift and reported as "
        "missing. Benefits are never reduced by this table.",
    )
    benefit_optimism_bias: Fraction = Field(
        default=0.0, description="Reduces every benefit line (a fraction)."
    )
    confidence_weighted: Annotated[bool, Strict()] = Field(
        default=False,
        description="Whether benefits from hypotheses are weighted by their confidence.",
    )
    persistence_years: Annotated[int, Strict(), Field(ge=0, le=100), WholeNumber] = Field(
        default=0,
        description="Years a hypothesis's effect persists after its last target year, decaying "
        "by its drop-off: the n-th persisting year is worth the last target year's benefit x "
        "(1 - drop_off)^n. 0 (the default): benefits stop after the last target year.",
    )
    value: ValueSettingsIn = Field(
        default_factory=ValueSettingsIn,
        description="How quality and return combine into the value score; 0.5 each by default.",
    )
    monte_carlo: RoundMonteCarlo | None = Field(
        default=None,
        description="Run Monte Carlo on every bid appraisal of the round (off by default; a "
        "request may ask for it, and a bid whose inputs carry distributions runs it with the "
        "defaults).",
    )
    evidence_strength: EvidenceStrengthIn = Field(
        default_factory=EvidenceStrengthIn,
        description="The evidence_strength criterion's value of each GRADE: high 1, moderate "
        "2/3, low 1/3, very low 0 by default.",
    )
    quality_weights: QualityWeightsIn = Field(
        default_factory=QualityWeightsIn,
        description="Weights of the logic-model quality score's terms, summing to 1.",
    )
    disagreement_tolerance: Fraction = Field(
        default=DEFAULT_DISAGREEMENT_TOLERANCE,
        description="Assessors' spread, as a fraction of a scale's range, beyond which a bid "
        "is flagged for moderation.",
    )
    combination: Combination = Field(
        default=Combination.MEAN,
        description="How a bid's per-assessor weighted scores combine into its weighted score "
        "(SPEC 4.8): their mean (the default) or their median.",
    )
    benefits: BenefitsSettingsIn = Field(
        default_factory=BenefitsSettingsIn,
        description="Benefits tracking of the round's funded bids: RAG tolerances, grace, cadence.",
    )
    calibration: CalibrationSettingsIn = Field(
        default_factory=CalibrationSettingsIn,
        description="Reference-class calibration of the round's appraisals (off by default).",
    )

    def tracking(self) -> TrackingSettings:
        """The domain's tracking settings: the round's tolerances and its value of a QALY."""
        return TrackingSettings(
            amber=self.benefits.amber,
            red=self.benefits.red,
            grace_days=self.benefits.grace_days,
            cadence=self.benefits.cadence,
            value_per_qaly=self.value_per_qaly,
        )
