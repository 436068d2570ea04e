"""Appraisals: the stateless preview (SPEC 4.6), and a bid's appraisal under its round's settings.

The domain computes every figure and says what is missing; this module gathers its inputs from
the stored bid and round, and hands its answer to the schemas that carry it out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.schemas import appraisals as api
from app.schemas.appraisals import RoundSettings
from app.schemas.bids import CostLine as BidCostLineIn
from app.schemas.common import YearAmount
from app.schemas.hypotheses import HypothesisCreate
from app.services.bids import BidService
from app.services.rounds import round_framework, round_settings
from app.tables import BidVersion, Hypothesis, Round
from bpv.appraisal import (
    Appraisal,
    BenefitLine,
    BidAppraisal,
    BidHypothesis,
    BidInputs,
    CostLine,
    MonteCarloRequest,
    appraise,
    appraise_bid,
)
from bpv.errors import InvalidInput
from bpv.scoring import ProvisionalScores, provisional_scores

__all__ = ["AppraisalService", "BidAppraisalResult", "MonteCarloRequest", "preview"]


def preview(request: api.AppraisalRequest) -> Appraisal:
    """`POST /v1/appraisals`: the request's lines under the request's own settings."""
    flows = sum(len(line.flows) for line in request.costs) + sum(
        len(line.flows) for line in request.benefits
    )
    if flows > api.MAX_PREVIEW_FLOWS:
        raise InvalidInput(
            f"the lines carry {flows:,} flows; a preview takes at most {api.MAX_PREVIEW_FLOWS:,}",
            "costs",
        )
    costs = [translate.cost_line(line) for line in request.costs]
    benefits = [translate.benefit_line(line) for line in request.benefits]
    lines: list[CostLine | BenefitLine] = [*costs, *benefits]
    years = [flow.year for line in lines for flow in line.flows]
    # With no flows at all the domain refuses the request, naming `costs`.
    base_year = request.base_year if request.base_year is not None else min(years, default=0)
    settings = translate.preview_settings(request, base_year)
    monte_carlo = translate.monte_carlo(request.monte_carlo)
    return appraise(costs, benefits, settings, monte_carlo)


@dataclass(frozen=True)
class BidAppraisalResult:
    """A bid's appraisal and provisional scores, with what they were computed under."""

    bid_id: uuid.UUID
    bid_version: int
    round_id: uuid.UUID
    criteria_version: int
    settings: RoundSettings
    appraisal: BidAppraisal
    scores: ProvisionalScores


@dataclass
class AppraisalService:
    session: Session
    principal: Principal

    def bid_appraisal(self, bid_id: uuid.UUID, request: MonteCarloRequest) -> BidAppraisalResult:
        bids = BidService(self.session, self.principal)
        bid = bids.get(bid_id)
        version = bids.current(bid)
        round_ = self.session.get(Round, bid.round_id)
        assert round_ is not None  # a bid's round always exists (foreign key)
        settings = round_settings(round_)
        _, quality = bids.findings(bid)  # scored with the round's quality weights
        inputs = bid_inputs(version, bids.bids.hypotheses([version.id]))
        result = appraise_bid(inputs, translate.bid_appraisal_settings(settings), request)
        appraisal = result.appraisal
        scores = provisional_scores(
            round_framework(round_),
            quality=quality,
            hypotheses=[h.hypothesis for h in inputs.hypotheses],
            bcr=appraisal.bcr if appraisal else None,
            value=translate.value_settings(settings.value),
            evidence_strength=settings.evidence_strength.by_grade(),
        )
        return BidAppraisalResult(
            bid_id=bid.id,
            bid_version=version.number,
            round_id=round_.id,
            criteria_version=round_.criteria_version,
            settings=settings,
            appraisal=result,
            scores=scores,
        )


def bid_inputs(version: BidVersion, hypotheses: list[Hypothesis]) -> BidInputs:
    """What a stored bid version gives the domain's appraisal."""
    content = version.content
    cost_lines = [BidCostLineIn.model_validate(line) for line in content.get("cost_lines") or []]
    funding = [YearAmount.model_validate(f) for f in content.get("requested_funding") or []]
    return BidInputs(
        cost_lines=tuple(translate.bid_cost_line(line) for line in cost_lines),
        requested_funding_years=tuple(flow.year for flow in funding),
        hypotheses=tuple(_bid_hypothesis(row) for row in hypotheses),
    )


def _bid_hypothesis(row: Hypothesis) -> BidHypothesis:
    doc = HypothesisCreate.model_validate(row.body)
    return BidHypothesis(
        id=str(row.id),
        number=row.ordinal,
        hypothesis=translate.hypothesis(doc),
        uncertainty=translate.hypothesis_uncertainty(doc),
    )
