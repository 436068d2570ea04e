"""A bid's appraisal under its round's settings: its cost lines and monetised hypotheses in, the
appraisal out, with each line traced to what it came from and a note of what could not be done.

Start with `appraise_bid(BidInputs(...), BidAppraisalSettings(...))`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bpv.appraisal.appraisal import Appraisal, AppraisalSettings
from bpv.appraisal.benefits import (
    HypothesisUncertainty,
    benefit_lines_from_hypotheses,
    financial_year,
)
from bpv.appraisal.bid_inputs import (
    BidAppraisalSettings,
    BidCostLine,
    BidHypothesis,
    BidInputs,
    MonteCarloRequest,
    RoundMonteCarlo,
)
from bpv.appraisal.engine import appraise, uncertain_inputs
from bpv.appraisal.lines import BenefitLine, CostLine, Flow
from bpv.appraisal.optimism_bias import OptimismBias, resolve_optimism_bias
from bpv.appraisal.uncertainty import (
    MonteCarloSettings,
    check_sample_budget,
)
from bpv.errors import InvalidInput


class BaseYearSource(StrEnum):
    ROUND = "round"
    PROPOSAL = "proposal"


class UpliftSource(StrEnum):
    LINE = "line"
    ROUND_TABLE = "round_table"
    NONE = "none"


@dataclass(frozen=True)
class Missing:
    """What could not be computed, named as the bid (or its round) names it, and why."""

    field: str
    detail: str


@dataclass(frozen=True)
class CostTrace:
    cost_line: int
    name: str
    optimism_bias: float
    optimism_bias_source: UpliftSource
    confidence_grade: str | None


@dataclass(frozen=True)
class BenefitTrace:
    """A benefit line, the hypothesis that claims it, and the line's gross flows."""

    line: str
    hypothesis: BidHypothesis
    flows: tuple[Flow, ...]


@dataclass(frozen=True)
class BidAppraisal:
    """`appraisal` is None when nothing can be appraised; `missing` then says why.

    `monte_carlo` is the simulation as run (None when none ran), `base_year` the year 0 used.
    """

    base_year: int | None
    base_year_source: BaseYearSource | None
    monte_carlo: RoundMonteCarlo | None
    appraisal: Appraisal | None
    costs: tuple[CostTrace, ...]
    benefits: tuple[BenefitTrace, ...]
    missing: tuple[Missing, ...]


def appraise_bid(
    bid: BidInputs,
    settings: BidAppraisalSettings,
    request: MonteCarloRequest | None = None,
) -> BidAppraisal:
    """The bid appraised under its round's settings (SPEC 4.1-4.5).

    Cost lines come from the bid, benefits from its monetised hypotheses (one line each, named
    by its indicator). What cannot be computed is noted, not raised; only a request asking for
    more Monte Carlo draws than a simulation may take raises `InvalidInput` (field `samples`).
    """
    return _BidAppraisal(bid, settings, request or MonteCarloRequest()).answer()


class _BidAppraisal:
    """One bid appraisal, built step by step, noting what is missing on the way."""

    def __init__(
        self, bid: BidInputs, settings: BidAppraisalSettings, request: MonteCarloRequest
    ) -> None:
        self.bid = bid
        self.settings = settings
        self.request = request
        self.missing: list[Missing] = []

    def note(self, field_name: str, detail: str) -> None:
        self.missing.append(Missing(field_name, detail))

    def answer(self) -> BidAppraisal:
        base_year, source = self.base_year()
        costs, cost_traces = self.costs()
        benefit_traces: list[BenefitTrace] = []
        appraisal, monte_carlo = None, None
        if base_year is None:
            self.note(
                "settings.base_year",
                "nothing to appraise: no cost, requested funding or monetised target gives a "
                "first year, and the round sets no base year",
            )
        else:
            settings = self.appraisal_settings(base_year)
            benefits = self.benefits(settings)
            if benefits is not None:
                benefit_traces = [
                    BenefitTrace(line.name, hypothesis, line.flows) for line, hypothesis in benefits
                ]
                lines = [line for line, _ in benefits]
                monte_carlo = self.monte_carlo(costs, lines, settings)
                appraisal = self.appraise(costs, lines, settings, monte_carlo)
        return BidAppraisal(
            base_year=base_year,
            base_year_source=source,
            monte_carlo=monte_carlo,
            appraisal=appraisal,
            costs=tuple(cost_traces),
            benefits=tuple(benefit_traces),
            missing=tuple(self.missing),
        )

    # Inputs

    def base_year(self) -> tuple[int | None, BaseYearSource | None]:
        """The round's base year, else the first year of the proposal."""
        if self.settings.base_year is not None:
            return self.settings.base_year, BaseYearSource.ROUND
        years = [flow.year for line in self.bid.cost_lines for flow in line.flows]
        years += self.bid.requested_funding_years
        years += [
            financial_year(point.date)
            for h in self.bid.hypotheses
            if h.hypothesis.monetisation is not None
            for point in h.hypothesis.trajectory
        ]
        return (min(years), BaseYearSource.PROPOSAL) if years else (None, None)

    def appraisal_settings(self, base_year: int) -> AppraisalSettings:
        return AppraisalSettings(
            base_year=base_year,
            discounting=self.settings.discounting,
            value_per_qaly=self.settings.value_per_qaly,
            optimism_bias_table=self.settings.optimism_bias_table,
            benefit_optimism_bias=self.settings.benefit_optimism_bias,
            confidence_weighted=self.settings.confidence_weighted,
            value_per_qaly_uncertainty=self.settings.value_per_qaly_uncertainty,
        )

    def costs(self) -> tuple[list[CostLine], list[CostTrace]]:
        """Each cost line with its uplift: its own, else the round's for its grade, else none."""
        table = self.settings.optimism_bias_table
        lines, traces = [], []
        for index, line in enumerate(self.bid.cost_lines):
            spec, source = self.uplift(index, line)
            uplift = 0.0
            try:
                uplift = resolve_optimism_bias(spec, table, f"cost_lines[{index}].optimism_bias")
            except InvalidInput as error:
                self.note(
                    error.field or f"cost_lines[{index}].optimism_bias",
                    f"{error.message}; the line is appraised without uplift",
                )
                spec, source = None, UpliftSource.NONE
            lines.append(
                CostLine(
                    name=line.name,
                    kind=line.kind,
                    flows=line.flows,
                    optimism_bias=spec,
                    uncertainty=line.uncertainty,
                )
            )
            traces.append(CostTrace(index, line.name, uplift, source, line.confidence_grade))
        if not lines:
            self.note("cost_lines", "the bid has no cost lines: BCR and ROI are undefined")
        return lines, traces

    def uplift(
        self, index: int, line: BidCostLine
    ) -> tuple[OptimismBias | float | None, UpliftSource]:
        """The line's optimism-bias specification, and where it comes from."""
        table = self.settings.optimism_bias_table
        spec = line.optimism_bias
        by_grade = isinstance(spec, OptimismBias) and spec.grade is not None
        if spec is not None and not by_grade:
            return spec, UpliftSource.LINE
        grade, where = line.confidence_grade, f"cost_lines[{index}].confidence_grade"
        if isinstance(spec, OptimismBias) and spec.grade is not None:
            grade, where = spec.grade, f"cost_lines[{index}].optimism_bias.grade"
        if grade is None:
            return None, UpliftSource.NONE
        if grade not in table:
            self.note(
                where,
                f"the round's optimism-bias table has no entry for grade '{grade}'; "
                "the line is appraised without uplift",
            )
            return None, UpliftSource.NONE
        return OptimismBias.from_grade(grade), UpliftSource.ROUND_TABLE

    def benefits(
        self, settings: AppraisalSettings
    ) -> list[tuple[BenefitLine, BidHypothesis]] | None:
        """One benefit line per monetised hypothesis, named by its indicator and traced to the
        hypothesis; None when the hypotheses cannot be turned into benefits (then nothing is
        appraised, rather than the costs without their benefits)."""
        hypotheses = self.bid.hypotheses
        for index, h in enumerate(hypotheses):
            if h.hypothesis.monetisation is None:
                self.note(
                    f"hypotheses[{index}].monetisation",
                    f"hypothesis {h.number} ({h.id}) on '{h.hypothesis.indicator.name}' is not "
                    "monetised, so it claims no benefit",
                )
        if not any(h.hypothesis.monetisation for h in hypotheses):
            self.note("hypotheses", "no hypothesis is monetised: the bid claims no benefits")
            return []
        try:
            lines = benefit_lines_from_hypotheses(
                {h.id: h.hypothesis for h in hypotheses},
                settings,
                persistence_years=self.settings.persistence_years,
                uncertainties=self.uncertainties(),
            )
        except InvalidInput as error:
            self.note(self.bid_field(error.field or "hypotheses", []), error.message)
            return None
        by_id = {h.id: h for h in hypotheses}
        return [
            (replace(line, name=by_id[line.name].line_name), by_id[line.name]) for line in lines
        ]

    def uncertainties(self) -> dict[str, HypothesisUncertainty]:
        """The hypotheses' distributions; a confidence counts only where the round weights
        benefits by confidence."""
        chosen = {}
        for index, h in enumerate(self.bid.hypotheses):
            if h.hypothesis.monetisation is None:
                continue
            uncertainty = h.uncertainty
            if uncertainty.confidence is not None and not self.settings.confidence_weighted:
                self.note(
                    f"hypotheses[{index}].confidence_uncertainty",
                    "the round does not weight benefits by confidence, so the uncertainty of "
                    "this confidence is not sampled",
                )
                uncertainty = replace(uncertainty, confidence=None)
            chosen[h.id] = uncertainty
        return chosen

    def monte_carlo(
        self,
        costs: Sequence[CostLine],
        benefits: Sequence[BenefitLine],
        settings: AppraisalSettings,
    ) -> RoundMonteCarlo | None:
        """The round's Monte Carlo settings, overridden by the request's.

        A request asking for more draws than a simulation may take is refused; a round's
        setting that does so for this bid is reported and the simulation left out.
        """
        if self.request.enabled is False:
            return None
        chosen = self.settings.monte_carlo
        try:
            own = bool(uncertain_inputs(costs, benefits, settings))
        except InvalidInput as error:
            self.note(self.bid_field(error.field, benefits), error.message)
            return None
        if chosen is None and own:
            # Inputs that carry their own distributions are simulated with the defaults.
            chosen = RoundMonteCarlo()
        if self.request.given:
            chosen = replace(
                chosen or RoundMonteCarlo(),
                samples=self.request.samples or (chosen or RoundMonteCarlo()).samples,
                seed=(
                    self.request.seed
                    if self.request.seed is not None
                    else (chosen or RoundMonteCarlo()).seed
                ),
            )
        if chosen is None:
            return None
        costs, benefits = _with_round_spreads(costs, benefits, chosen)
        count = len(uncertain_inputs(costs, benefits, settings))
        try:
            check_sample_budget(chosen.samples, count, "settings.monte_carlo.samples")
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
        monte_carlo: RoundMonteCarlo | None,
    ) -> Appraisal | None:
        if not costs and not benefits:
            return None
        simulation = None
        if monte_carlo is None:
            # Without a simulation no distribution is sampled, the bid's own included.
            costs = [replace(line, uncertainty=None) for line in costs]
            benefits = [replace(line, uncertainty=None, inputs=()) for line in benefits]
            settings = replace(settings, value_per_qaly_uncertainty=None)
        else:
            simulation = MonteCarloSettings(monte_carlo.samples, monte_carlo.seed)
            costs, benefits = _with_round_spreads(costs, benefits, monte_carlo)
        try:
            return appraise(costs, benefits, settings, simulation)
        except InvalidInput as error:
            self.note(self.bid_field(error.field, benefits), error.message)
            return None

    def bid_field(self, field_name: str | None, benefits: Sequence[BenefitLine]) -> str:
        """The bid's (or its round's) name for a field the domain names in its own terms."""
        if field_name is None:
            return "bid"
        if field_name.startswith(("hypotheses", "settings.")):
            return field_name
        if field_name == "costs":
            return "cost_lines"
        match = re.match(r"costs\[(\d+)\](.*)", field_name)
        if match:
            return f"cost_lines[{match[1]}]{match[2]}"
        match = re.match(r"benefits\[(\d+)\](.*)", field_name)
        if match:
            source = benefits[int(match[1])].source
            index = next(i for i, h in enumerate(self.bid.hypotheses) if h.id == source)
            return f"hypotheses[{index}]{match[2]}"
        return f"settings.{field_name}"


def _with_round_spreads(
    costs: Sequence[CostLine], benefits: Sequence[BenefitLine], monte_carlo: RoundMonteCarlo
) -> tuple[list[CostLine], list[BenefitLine]]:
    """Lines without a distribution of their own take the round's."""
    return (
        [
            replace(line, uncertainty=line.uncertainty or monte_carlo.cost_uncertainty)
            for line in costs
        ],
        [
            replace(line, uncertainty=line.uncertainty or monte_carlo.benefit_uncertainty)
            for line in benefits
        ],
    )
