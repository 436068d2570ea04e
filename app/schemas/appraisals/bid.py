"""A bid's appraisal under its round's settings: figures, traces, scores and what is missing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.appraisals.results import AppraisalOut
from app.schemas.appraisals.settings import RoundMonteCarlo, RoundSettings
from app.schemas.calibration import CalibratedOut
from app.schemas.distributions import uncertainty_of
from app.schemas.logic_models import EdgeRefOut, IndicatorIn
from bpv.appraisal import METHOD_VERSION, BenefitTrace, BidAppraisal, CostTrace
from bpv.appraisal import RoundMonteCarlo as DomainMonteCarlo
from bpv.hypotheses import BenefitType
from bpv.logic_model import EvidenceGrade
from bpv.scoring import ComputedScore, ProvisionalScores, ScoreTerm, WeightedScore


class ScoreTermOut(BaseModel):
    """contribution = weight x value; a criterion awaiting assessors has no value yet."""

    name: str
    weight: float
    value: float | None
    contribution: float | None
    detail: str

    @classmethod
    def of(cls, term: ScoreTerm) -> ScoreTermOut:
        return cls(
            name=term.name,
            weight=term.weight,
            value=term.value,
            contribution=term.contribution,
            detail=term.detail,
        )


class ScoreOut(BaseModel):
    """`score` once every term is known; until then `low` and `high` bound it (criteria awaiting
    assessors at the bottom and at the top of their scales)."""

    score: float | None
    low: float
    high: float
    terms: list[ScoreTermOut]

    @classmethod
    def between(cls, low: WeightedScore, high: WeightedScore, waiting: set[str]) -> ScoreOut:
        """The score bounded by `low` and `high`; terms named in `waiting` have no value yet."""
        terms = []
        for low_term, high_term in zip(low.terms, high.terms, strict=True):
            term = ScoreTermOut.of(low_term)
            if low_term.name in waiting:
                term = term.model_copy(
                    update={
                        "value": None,
                        "contribution": None,
                        "detail": f"awaiting assessors: between {low_term.value:g} and "
                        f"{high_term.value:g}",
                    }
                )
            terms.append(term)
        return cls(
            score=None if waiting else low.score, low=low.score, high=high.score, terms=terms
        )


class ComputedScoreOut(BaseModel):
    criterion: str
    value: float = Field(description="On the criterion's scale.")
    fraction: float = Field(description="The [0, 1] measure behind the value.")
    detail: str

    @classmethod
    def of(cls, score: ComputedScore) -> ComputedScoreOut:
        return cls(
            criterion=score.criterion,
            value=score.value,
            fraction=score.fraction,
            detail=score.detail,
        )


class ScoresOut(BaseModel):
    criteria_version: int = Field(description="Version of the round's criteria framework.")
    computed: list[ComputedScoreOut]
    awaiting_assessment: list[str] = Field(description="Criteria scored by assessors.")
    weighted_score: ScoreOut = Field(description="Σ weight x score on the criteria's scales.")
    value_score: ScoreOut = Field(description="Quality and return combined, in [0, 1].")

    @classmethod
    def of(cls, scores: ProvisionalScores, criteria_version: int) -> ScoresOut:
        waiting = set(scores.awaiting_assessment)
        return cls(
            criteria_version=criteria_version,
            computed=[ComputedScoreOut.of(score) for score in scores.computed],
            awaiting_assessment=list(scores.awaiting_assessment),
            weighted_score=ScoreOut.between(scores.weighted_low, scores.weighted_high, waiting),
            value_score=ScoreOut.between(
                scores.value_low, scores.value_high, {"quality"} if waiting else set()
            ),
        )


class CostTraceOut(BaseModel):
    cost_line: int = Field(description="Index in the bid's cost_lines.")
    name: str
    optimism_bias: float = Field(description="The uplift applied.")
    optimism_bias_source: Literal["line", "round_table", "none"] = Field(
        description="line: the line's own fraction or mitigated upper bound; round_table: the "
        "round's table, by the line's grade; none: no uplift."
    )
    confidence_grade: EvidenceGrade | None

    @classmethod
    def of(cls, trace: CostTrace) -> CostTraceOut:
        return cls(
            cost_line=trace.cost_line,
            name=trace.name,
            optimism_bias=trace.optimism_bias,
            optimism_bias_source=trace.optimism_bias_source.value,
            confidence_grade=None if trace.confidence_grade is None else trace.confidence_grade,
        )


class BenefitFlowTraceOut(BaseModel):
    year: int
    amount: float = Field(
        description="Gross benefit (pounds, or QALYs): improvement x value per unit, weighted "
        "by confidence when the round says so, before additionality."
    )


class BenefitTraceOut(BaseModel):
    """A benefit line and the hypothesis, and its logic-model edge or path, that claims it."""

    line: str = Field(
        description="The line's name in `appraisal.lines`: its indicator and the hypothesis's "
        "number in the bid, e.g. `Emergency admissions (hypothesis 2)`; the line's `source` "
        "is the hypothesis id."
    )
    hypothesis_id: uuid.UUID
    hypothesis_number: int = Field(description="The hypothesis's place in the bid, from 1.")
    edge: EdgeRefOut | None
    path: list[str] | None
    indicator: IndicatorIn
    benefit_type: BenefitType
    value_per_unit: float
    confidence: float
    flows: list[BenefitFlowTraceOut]

    @classmethod
    def of(cls, trace: BenefitTrace) -> BenefitTraceOut:
        h = trace.hypothesis.hypothesis
        assert h.monetisation is not None  # only monetised hypotheses have lines
        indicator = h.indicator
        return cls(
            line=trace.line,
            hypothesis_id=uuid.UUID(trace.hypothesis.id),
            hypothesis_number=trace.hypothesis.number,
            edge=None if h.edge is None else EdgeRefOut(source=h.edge[0], target=h.edge[1]),
            path=None if h.path is None else list(h.path),
            indicator=IndicatorIn(
                name=indicator.name, unit=indicator.unit, direction=indicator.direction
            ),
            benefit_type=h.monetisation.benefit_type,
            value_per_unit=h.monetisation.value_per_unit,
            confidence=h.confidence,
            flows=[BenefitFlowTraceOut(year=f.year, amount=f.amount) for f in trace.flows],
        )


class MissingOut(BaseModel):
    field: str = Field(description="What is missing or wrong, e.g. `cost_lines[1].flows[0].year`.")
    detail: str


class BidAppraisalOut(BaseModel):
    """A bid's current version under its round's settings: the same inputs, settings and
    method version always give the same answer. Figures are unrounded, as in AppraisalOut."""

    bid_id: uuid.UUID
    bid_version: int
    round_id: uuid.UUID
    method_version: str
    settings_version: int = Field(description="The version of the round's settings used.")
    settings: RoundSettings = Field(
        description="Exactly the settings used, base_year resolved and monte_carlo as run."
    )
    snapshot_at: dt.datetime | None = Field(
        default=None,
        description="When these figures were stored: a submitted version answers with the "
        "appraisal taken at its submission, which rankings and decisions read; null for a "
        "draft, or when the request asks for its own Monte Carlo run.",
    )
    base_year_source: Literal["round", "proposal"] | None = Field(
        description="Where the base year came from; None when the bid has no years at all."
    )
    appraisal: AppraisalOut | None = Field(
        description="None when nothing can be appraised (see `missing`)."
    )
    costs: list[CostTraceOut]
    benefits: list[BenefitTraceOut]
    scores: ScoresOut
    missing: list[MissingOut] = Field(description="What could not be computed, and why.")
    calibrated: CalibratedOut | None = Field(
        default=None,
        description="Only when the round's settings apply calibration: the headline figures "
        "adjusted by reference-class factors from funded bids' results, beside the unadjusted "
        "ones above (which rank the bid).",
    )

    @classmethod
    def of(
        cls,
        result: BidAppraisal,
        *,
        bid_id: uuid.UUID,
        bid_version: int,
        round_id: uuid.UUID,
        settings: RoundSettings,
        settings_version: int,
        scores: ScoresOut,
        calibrated: CalibratedOut | None = None,
    ) -> BidAppraisalOut:
        appraisal = result.appraisal
        used = settings.model_copy(
            update={
                "base_year": result.base_year,
                "monte_carlo": _monte_carlo_out(result.monte_carlo),
            }
        )
        return cls(
            bid_id=bid_id,
            bid_version=bid_version,
            round_id=round_id,
            method_version=appraisal.method_version if appraisal else METHOD_VERSION,
            settings_version=settings_version,
            settings=used,
            base_year_source=None
            if result.base_year_source is None
            else result.base_year_source.value,
            appraisal=None if appraisal is None else AppraisalOut.of(appraisal),
            costs=[CostTraceOut.of(trace) for trace in result.costs],
            benefits=[BenefitTraceOut.of(trace) for trace in result.benefits],
            scores=scores,
            missing=[MissingOut(field=m.field, detail=m.detail) for m in result.missing],
            calibrated=calibrated,
        )


def _monte_carlo_out(run: DomainMonteCarlo | None) -> RoundMonteCarlo | None:
    """The round's Monte Carlo as it ran for this bid (samples and seed as requested)."""
    if run is None:
        return None
    return RoundMonteCarlo(
        samples=run.samples,
        seed=run.seed,
        cost_uncertainty=None
        if run.cost_uncertainty is None
        else uncertainty_of(run.cost_uncertainty),
        benefit_uncertainty=(
            None if run.benefit_uncertainty is None else uncertainty_of(run.benefit_uncertainty)
        ),
    )
