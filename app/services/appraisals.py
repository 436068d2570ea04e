"""Appraisals: the stateless preview (SPEC 4.6), and a bid version's appraisal under its round's
settings.

The domain computes every figure and says what is missing; this module gathers its inputs from
the stored bid version and round, and hands back the domain's answer.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import object_session

from app import translate
from app.schemas import appraisals as api
from app.schemas.appraisals import RoundSettings
from app.schemas.bids import CostLine as BidCostLineIn
from app.schemas.common import YearAmount
from app.schemas.hypotheses import HypothesisCreate
from app.services.calibration import Calibrated, calibrated, reference_factors
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
from bpv.logic_model import Quality
from bpv.scoring import ProvisionalScores, ReturnFigures, provisional_scores

__all__ = ["BidAppraisalResult", "MonteCarloRequest", "appraise_version", "preview"]


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
    """A bid version's appraisal and provisional scores, with what they were computed under."""

    bid_id: uuid.UUID
    bid_version: int
    round_id: uuid.UUID
    criteria_version: int
    settings_version: int
    settings: RoundSettings
    appraisal: BidAppraisal
    quality: Quality
    scores: ProvisionalScores
    requested_funding: float
    calibrated: Calibrated | None = None
    """Only when the round's settings apply calibration: the figures adjusted beside the
    unadjusted ones (which rank the bid)."""


def appraise_version(
    round_: Round,
    version: BidVersion,
    hypotheses: list[Hypothesis],
    quality: Quality,
    request: MonteCarloRequest | None = None,
) -> BidAppraisalResult:
    """A bid version appraised and scored under its round's current settings and framework."""
    settings = round_settings(round_)
    inputs = bid_inputs(version, hypotheses)
    result = appraise_bid(inputs, translate.bid_appraisal_settings(settings), request)
    appraisal = result.appraisal
    scores = provisional_scores(
        round_framework(round_),
        quality=quality,
        hypotheses=[h.hypothesis for h in inputs.hypotheses],
        returns=ReturnFigures(
            bcr=appraisal.bcr if appraisal else None,
            cash_releasing_roi=appraisal.roi if appraisal else None,
            npsv=appraisal.npsv if appraisal else None,
            requested_funding=requested_funding(version),
        ),
        value=translate.value_settings(settings.value),
        evidence_strength=settings.evidence_strength.by_grade(),
    )
    return BidAppraisalResult(
        bid_id=version.bid_id,
        bid_version=version.number,
        round_id=round_.id,
        criteria_version=round_.criteria_version,
        settings_version=round_.settings_version,
        settings=settings,
        appraisal=result,
        quality=quality,
        scores=scores,
        requested_funding=requested_funding(version),
        calibrated=_calibrated(round_, version, settings, appraisal),
    )


def _calibrated(
    round_: Round, version: BidVersion, settings: RoundSettings, appraisal: Appraisal | None
) -> Calibrated | None:
    if not settings.calibration.apply or appraisal is None:
        return None
    # The round is read in the caller's session; the funded bids' history is read in it too.
    session = object_session(round_)
    assert session is not None  # a round read from the database belongs to its session
    factors = reference_factors(
        session, settings.calibration.min_bids, settings.calibration.min_periods
    )
    return calibrated(appraisal, factors, version.programme_area, version.lead_organisation_id)


def requested_funding(version: BidVersion) -> float:
    """Pounds the bid asks for: its requested funding, or where it states none, its costs
    as given (undiscounted, before optimism bias)."""
    content = version.content
    funding = [YearAmount.model_validate(f) for f in content.get("requested_funding") or []]
    if funding:
        return math.fsum(flow.amount for flow in funding)
    lines = [BidCostLineIn.model_validate(line) for line in content.get("cost_lines") or []]
    return math.fsum(flow.amount for line in lines for flow in line.flows)


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
        id=str(row.stable_id),
        number=row.ordinal,
        hypothesis=translate.hypothesis(doc),
        uncertainty=translate.hypothesis_uncertainty(doc),
    )
