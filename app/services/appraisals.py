"""Appraisals: the stateless preview (SPEC 4.6), and a bid's appraisal under its round's settings.

The domain computes every figure; this module gathers the inputs, traces each benefit line back
to its hypothesis, and says what could not be computed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.schemas import appraisals as api
from app.schemas import distributions as dists
from app.schemas.bids import CostLine as BidCostLine
from app.schemas.common import YearAmount
from app.schemas.hypotheses import HypothesisCreate
from app.schemas.logic_models import EdgeRefOut
from app.services.bids import BidService
from app.services.rounds import round_framework, round_settings
from app.tables import Bid, BidVersion, Hypothesis, Round
from bpv.appraisal import (
    DEFAULT_SAMPLES,
    METHOD_VERSION,
    AppraisalSettings,
    BenefitLine,
    CostKind,
    CostLine,
    Distribution,
    Flow,
    MonteCarloSettings,
    OptimismBias,
    appraise,
    benefit_lines_from_hypotheses,
    financial_year,
)
from bpv.errors import InvalidInput
from bpv.hypotheses import SuccessHypothesis
from bpv.logic_model import Quality
from bpv.scoring import (
    CriterionScore,
    CriterionSource,
    WeightedScore,
    computed_scores,
    value_score,
    weighted_score,
)

MAX_SAMPLE_CELLS = 20_000_000
"""Samples x uncertain lines: bounds the memory one simulation may take (160 MB of floats)."""


def check_sample_budget(samples: int, uncertain_lines: int, field: str) -> None:
    if samples * uncertain_lines > MAX_SAMPLE_CELLS:
        raise InvalidInput(
            f"{samples:,} samples of {uncertain_lines} uncertain lines is more than "
            f"{MAX_SAMPLE_CELLS:,} draws; ask for fewer samples",
            field,
        )


def preview(request: api.AppraisalRequest) -> api.AppraisalOut:
    """`POST /v1/appraisals`: the request's lines under the request's own settings."""
    costs = [translate.cost_line(line) for line in request.costs]
    benefits = [translate.benefit_line(line) for line in request.benefits]
    lines: list[CostLine | BenefitLine] = [*costs, *benefits]
    years = [flow.year for line in lines for flow in line.flows]
    settings = AppraisalSettings(
        # With no flows at all the domain refuses the request, naming `costs`.
        base_year=request.base_year if request.base_year is not None else min(years, default=0),
        discounting=translate.discount_schedule(request.discounting),
        value_per_qaly=request.value_per_qaly,
        optimism_bias_table=request.optimism_bias_table,
        benefit_optimism_bias=request.benefit_optimism_bias,
    )
    monte_carlo = translate.monte_carlo(request.monte_carlo)
    uncertain = sum(line.uncertainty is not None for line in lines)
    samples = monte_carlo.samples if monte_carlo else DEFAULT_SAMPLES
    check_sample_budget(samples, uncertain, "monte_carlo.samples")
    return translate.appraisal_out(appraise(costs, benefits, settings, monte_carlo))


@dataclass(frozen=True)
class MonteCarloRequest:
    """`?monte_carlo=&samples=&seed=` on a bid's appraisal; all None defers to the round."""

    enabled: bool | None = None
    samples: int | None = None
    seed: int | None = None

    @property
    def given(self) -> bool:
        return self.enabled is True or self.samples is not None or self.seed is not None


@dataclass(frozen=True)
class _Hypothesis:
    row: Hypothesis
    doc: HypothesisCreate
    domain: SuccessHypothesis

    @property
    def key(self) -> str:
        """The benefit line's name and source: the hypothesis id."""
        return str(self.row.id)


@dataclass
class AppraisalService:
    session: Session
    principal: Principal

    def bid_appraisal(self, bid_id: uuid.UUID, request: MonteCarloRequest) -> api.BidAppraisalOut:
        bids = BidService(self.session, self.principal)
        bid = bids.get(bid_id)
        version = bids.current(bid)
        round_ = self.session.get(Round, bid.round_id)
        assert round_ is not None  # a bid's round always exists (foreign key)
        _, quality = bids.findings(bid)
        hypotheses = [_hypothesis(row) for row in bids.bids.hypotheses([version.id])]
        return _BidAppraisal(bid, version, round_, quality, hypotheses, request).answer()


def _hypothesis(row: Hypothesis) -> _Hypothesis:
    doc = HypothesisCreate.model_validate(row.body)
    return _Hypothesis(row, doc, translate.hypothesis(doc))


class _BidAppraisal:
    """One bid appraisal: built step by step, noting what is missing on the way."""

    def __init__(
        self,
        bid: Bid,
        version: BidVersion,
        round_: Round,
        quality: Quality,
        hypotheses: list[_Hypothesis],
        request: MonteCarloRequest,
    ) -> None:
        self.bid = bid
        self.version = version
        self.round = round_
        self.quality = quality
        self.hypotheses = hypotheses
        self.request = request
        self.settings = round_settings(round_)
        self.framework = round_framework(round_)
        self.cost_lines = [
            BidCostLine.model_validate(line) for line in version.content.get("cost_lines") or []
        ]
        self.missing: list[api.MissingOut] = []

    def note(self, field: str, detail: str) -> None:
        self.missing.append(api.MissingOut(field=field, detail=detail))

    def answer(self) -> api.BidAppraisalOut:
        base_year, base_year_source = self.base_year()
        costs, cost_traces = self.costs()
        benefits: list[BenefitLine] = []
        benefit_traces: list[api.BenefitTraceOut] = []
        appraisal, monte_carlo = None, None
        if base_year is None:
            self.note(
                "settings.base_year",
                "nothing to appraise: no cost, requested funding or monetised target gives a "
                "first year, and the round sets no base year",
            )
        else:
            settings = self.appraisal_settings(base_year)
            traced = self.benefits(settings)
            if traced is not None:
                benefits = [line for line, _ in traced]
                benefit_traces = [trace for _, trace in traced]
                monte_carlo = self.monte_carlo(costs, benefits)
                appraisal = self.appraise(costs, benefits, settings, monte_carlo)
        used = self.settings.model_copy(update={"base_year": base_year, "monte_carlo": monte_carlo})
        return api.BidAppraisalOut(
            bid_id=self.bid.id,
            bid_version=self.version.number,
            round_id=self.round.id,
            method_version=appraisal.method_version if appraisal else METHOD_VERSION,
            settings=used,
            base_year_source=base_year_source,
            appraisal=appraisal,
            costs=cost_traces,
            benefits=benefit_traces,
            scores=self.scores(appraisal.bcr if appraisal else None),
            missing=self.missing,
        )

    # Inputs

    def base_year(self) -> tuple[int | None, Literal["round", "proposal"] | None]:
        """The round's base year, else the first year of the proposal."""
        if self.settings.base_year is not None:
            return self.settings.base_year, "round"
        funding = [
            YearAmount.model_validate(f)
            for f in self.version.content.get("requested_funding") or []
        ]
        years = [flow.year for line in self.cost_lines for flow in line.flows]
        years += [flow.year for flow in funding]
        years += [
            financial_year(point.date)
            for h in self.hypotheses
            if h.domain.monetisation is not None
            for point in h.domain.trajectory
        ]
        return (min(years), "proposal") if years else (None, None)

    def appraisal_settings(self, base_year: int) -> AppraisalSettings:
        return AppraisalSettings(
            base_year=base_year,
            discounting=translate.discount_schedule(self.settings.discounting),
            value_per_qaly=self.settings.value_per_qaly,
            optimism_bias_table={str(k): v for k, v in self.settings.optimism_bias_table.items()},
            benefit_optimism_bias=self.settings.benefit_optimism_bias,
            confidence_weighted=self.settings.confidence_weighted,
        )

    def costs(self) -> tuple[list[CostLine], list[api.CostTraceOut]]:
        """Each cost line with its uplift: its own, else the round's for its grade, else none."""
        table = self.settings.optimism_bias_table
        lines, traces = [], []
        for index, line in enumerate(self.cost_lines):
            grade = line.confidence_grade
            spec: OptimismBias | float | None = None
            uplift, source = 0.0, "none"
            if line.optimism_bias is not None:
                spec, uplift, source = line.optimism_bias, line.optimism_bias, "line"
            elif grade is not None and grade in table:
                spec, uplift, source = OptimismBias.from_grade(grade), table[grade], "round_table"
            elif grade is not None:
                self.note(
                    f"cost_lines[{index}].confidence_grade",
                    f"the round's optimism-bias table has no entry for grade '{grade}'; "
                    "the line is appraised without uplift",
                )
            lines.append(
                CostLine(
                    name=line.name,
                    kind=CostKind(line.kind),
                    flows=tuple(Flow(f.year, f.amount) for f in line.flows),
                    optimism_bias=spec,
                    uncertainty=_uncertainty(line.uncertainty),
                )
            )
            traces.append(
                api.CostTraceOut(
                    cost_line=index,
                    name=line.name,
                    optimism_bias=uplift,
                    optimism_bias_source=source,
                    confidence_grade=grade,
                )
            )
        if not lines:
            self.note("cost_lines", "the bid has no cost lines: BCR and ROI are undefined")
        return lines, traces

    def benefits(
        self, settings: AppraisalSettings
    ) -> list[tuple[BenefitLine, api.BenefitTraceOut]] | None:
        """One benefit line per monetised hypothesis, named by the hypothesis id, with its
        trace; None when the hypotheses cannot be turned into benefits (then nothing is
        appraised, rather than the costs without their benefits)."""
        for index, h in enumerate(self.hypotheses):
            if h.domain.monetisation is None:
                self.note(
                    f"hypotheses[{index}].monetisation",
                    f"hypothesis {h.key} is not monetised, so it claims no benefit",
                )
        if not any(h.domain.monetisation for h in self.hypotheses):
            self.note("hypotheses", "no hypothesis is monetised: the bid claims no benefits")
            return []
        try:
            lines = benefit_lines_from_hypotheses(
                {h.key: h.domain for h in self.hypotheses},
                settings,
                persistence_years=self.settings.persistence_years,
                confidence_distributions=self.confidence_distributions(),
            )
        except InvalidInput as error:
            self.note(self.bid_field(error.field or "hypotheses", []), error.message)
            return None
        by_key = {h.key: h for h in self.hypotheses}
        return [(line, _benefit_trace(line, by_key[line.name])) for line in lines]

    def confidence_distributions(self) -> dict[str, Distribution]:
        """Uncertain confidences, which count only where the round weights by confidence."""
        spreads = {}
        for index, h in enumerate(self.hypotheses):
            spread = _uncertainty(h.doc.confidence_uncertainty)
            if spread is None or h.domain.monetisation is None:
                continue
            if self.settings.confidence_weighted:
                spreads[h.key] = spread
            else:
                self.note(
                    f"hypotheses[{index}].confidence_uncertainty",
                    "the round does not weight benefits by confidence, so the uncertainty of "
                    "this confidence is not sampled",
                )
        return spreads

    def monte_carlo(
        self, costs: Sequence[CostLine], benefits: Sequence[BenefitLine]
    ) -> api.RoundMonteCarlo | None:
        """The round's Monte Carlo settings, overridden by the request's.

        A request asking for more draws than a simulation may take is refused; a round's
        setting that does so for this bid is reported and the simulation left out.
        """
        chosen = self.settings.monte_carlo
        if self.request.enabled is False:
            return None
        own = any(line.uncertainty is not None for line in costs) or any(
            line.uncertainty is not None for line in benefits
        )
        if chosen is None and own:
            # Lines that carry their own distributions are simulated with the defaults.
            chosen = api.RoundMonteCarlo()
        if self.request.given:
            chosen = (chosen or api.RoundMonteCarlo()).model_copy(
                update={
                    k: v
                    for k, v in {"samples": self.request.samples, "seed": self.request.seed}.items()
                    if v is not None
                }
            )
        if chosen is None:
            return None
        uncertain = sum(
            line.uncertainty is not None or chosen.cost_uncertainty is not None for line in costs
        ) + sum(
            line.uncertainty is not None or chosen.benefit_uncertainty is not None
            for line in benefits
        )
        try:
            check_sample_budget(chosen.samples, uncertain, "settings.monte_carlo.samples")
        except InvalidInput as error:
            if self.request.given:
                raise InvalidInput(error.message, "samples") from None
            self.note(error.field or "settings.monte_carlo", error.message)
            return None
        return chosen

    # Figures

    def appraise(
        self,
        costs: Sequence[CostLine],
        benefits: Sequence[BenefitLine],
        settings: AppraisalSettings,
        monte_carlo: api.RoundMonteCarlo | None,
    ) -> api.AppraisalOut | None:
        if not costs and not benefits:
            return None
        simulation = None
        if monte_carlo is None:
            # Without a simulation the lines' own distributions are not sampled either.
            costs = [replace(line, uncertainty=None) for line in costs]
            benefits = [replace(line, uncertainty=None) for line in benefits]
        else:
            simulation = MonteCarloSettings(monte_carlo.samples, monte_carlo.seed)
            cost_spread = _uncertainty(monte_carlo.cost_uncertainty)
            benefit_spread = _uncertainty(monte_carlo.benefit_uncertainty)
            costs = [replace(line, uncertainty=line.uncertainty or cost_spread) for line in costs]
            benefits = [
                replace(line, uncertainty=line.uncertainty or benefit_spread) for line in benefits
            ]
        try:
            out = translate.appraisal_out(appraise(costs, benefits, settings, simulation))
        except InvalidInput as error:
            self.note(self.bid_field(error.field, benefits), error.message)
            return None
        return out

    def bid_field(self, field: str | None, benefits: Sequence[BenefitLine]) -> str:
        """The bid's (or its round's) name for a field the domain names in its own terms."""
        if field is None:
            return "bid"
        if field.startswith(("hypotheses", "settings.")):
            return field
        if field == "costs":
            return "cost_lines"
        match = re.match(r"costs\[(\d+)\](.*)", field)
        if match:
            return f"cost_lines[{match[1]}]{match[2]}"
        match = re.match(r"benefits\[(\d+)\](.*)", field)
        if match:
            key = benefits[int(match[1])].name
            index = next(i for i, h in enumerate(self.hypotheses) if h.key == key)
            return f"hypotheses[{index}]{match[2]}"
        return f"settings.{field}"

    def scores(self, bcr: float | None) -> api.ScoresOut:
        framework = self.framework
        value = translate.value_settings(self.settings.value)
        computed = computed_scores(
            framework,
            quality=self.quality,
            hypotheses=[h.domain for h in self.hypotheses],
            bcr=bcr,
            bcr_bands=value.bcr_bands,
        )
        pending = [c for c in framework.criteria if c.source is CriterionSource.ASSESSOR]
        low, high = (
            weighted_score(
                framework,
                [
                    CriterionScore(c.key, c.scale.min if end == "low" else c.scale.max)
                    for c in pending
                ],
                computed,
            )
            for end in ("low", "high")
        )
        value_low = value_score(framework, low.score, bcr, value)
        value_high = value_score(framework, high.score, bcr, value)
        waiting = {c.key for c in pending}
        return api.ScoresOut(
            criteria_version=self.round.criteria_version,
            computed=[
                api.ComputedScoreOut(
                    criterion=s.criterion, value=s.value, fraction=s.fraction, detail=s.detail
                )
                for s in computed.values()
            ],
            awaiting_assessment=[c.key for c in pending],
            weighted_score=_score_out(low, high, waiting),
            value_score=_score_out(value_low, value_high, {"quality"} if waiting else set()),
        )


def _score_out(low: WeightedScore, high: WeightedScore, waiting: set[str]) -> api.ScoreOut:
    terms = []
    for low_term, high_term in zip(low.terms, high.terms, strict=True):
        term = translate.score_term_out(low_term)
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
    return api.ScoreOut(
        score=None if waiting else low.score, low=low.score, high=high.score, terms=terms
    )


def _uncertainty(
    spec: dists.Triangular | dists.Pert | dists.Normal | dists.Uniform | None,
) -> Distribution | None:
    return None if spec is None else translate.distribution(spec)


def _benefit_trace(line: BenefitLine, h: _Hypothesis) -> api.BenefitTraceOut:
    monetisation = h.doc.monetisation
    assert monetisation is not None  # only monetised hypotheses have lines
    edge = h.doc.edge
    return api.BenefitTraceOut(
        line=line.name,
        hypothesis_id=h.row.id,
        edge=None if edge is None else EdgeRefOut(source=edge.source, target=edge.target),
        path=h.doc.path,
        indicator=h.doc.indicator,
        benefit_type=monetisation.benefit_type,
        value_per_unit=monetisation.value_per_unit,
        confidence=h.doc.confidence,
        flows=[api.BenefitFlowTraceOut(year=f.year, amount=f.amount) for f in line.flows],
    )
