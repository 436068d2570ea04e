"""My bids (programme office): each bid's status, findings to fix, appraisal preview,
decision and benefits, each linking to the bid's own page."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from app.auth import Principal
from app.deps import SessionDep
from app.repositories.decisions import DecisionRecord
from app.repositories.pages import Window
from app.repositories.rounds import Rounds
from app.schemas.keys import Role
from app.services.benefits import BenefitsService, BidReport, today
from app.services.bid_appraisals import BidAppraisals
from app.services.bids import BidService
from app.services.conflicts import require_role
from app.services.decisions import DecisionService
from app.tables import AppraisalSnapshot, Bid
from app.web.session import PagePrincipalDep
from app.web.templating import render
from bpv.appraisal.bid_inputs import MonteCarloRequest
from bpv.logic_model import Finding, Severity

router = APIRouter(include_in_schema=False)

# A footprint's bids on one page: a programme office has a handful per round.
MAX_BIDS = 100
# A submitted version shows its snapshot; a draft's preview runs no Monte Carlo, to be quick.
AS_SUBMITTED = MonteCarloRequest()
NO_MONTE_CARLO = MonteCarloRequest(enabled=False)


@dataclass(frozen=True)
class Headline:
    """An appraisal's headline figures, as stored at submission or computed for a draft."""

    pv_costs: float | None
    pv_benefits: float | None
    npsv: float | None
    bcr: float | None
    at_submission: bool


@dataclass(frozen=True)
class BidSummary:
    bid: Bid
    title: str
    round_name: str
    findings: list[Finding]
    headline: Headline | None
    decision: DecisionRecord | None
    benefits: BidReport | None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)


def headline(session: Session, principal: Principal, bid: Bid, submitted: bool) -> Headline | None:
    request = AS_SUBMITTED if submitted else NO_MONTE_CARLO
    found = BidAppraisals(session, principal).of_bid(bid.id, request)
    if isinstance(found, AppraisalSnapshot):
        return Headline(found.pv_costs, found.pv_benefits, found.npsv, found.bcr, True)
    figures = found.appraisal.appraisal
    if figures is None:
        return None
    return Headline(figures.pv_costs, figures.pv_benefits, figures.npsv, figures.bcr, False)


def summaries(session: Session, principal: Principal) -> tuple[list[BidSummary], int]:
    service = BidService(session, principal)
    listed = service.bids.page(Window(MAX_BIDS, with_total=True))
    bids, total = listed.rows, listed.total or 0
    versions = service.bids.current_versions(bids)
    rounds = Rounds(session, principal)
    round_names = {
        round_id: row.name if (row := rounds.get(round_id)) else ""
        for round_id in {bid.round_id for bid in bids}
    }
    decisions = DecisionService(session, principal).of_bids([bid.id for bid in bids])
    assert principal.footprint_id is not None  # a programme office has a footprint
    benefits = {
        report.bid.id: report
        for report in BenefitsService(session, principal)
        .of_footprint(principal.footprint_id, today())
        .reports
    }
    return [
        BidSummary(
            bid=bid,
            title=versions[bid.id].title,
            round_name=round_names[bid.round_id],
            findings=[f for f in service.findings(bid)[0] if f.severity is not Severity.INFO],
            headline=headline(session, principal, bid, versions[bid.id].submitted_at is not None),
            decision=decisions.get(bid.id),
            benefits=benefits.get(bid.id),
        )
        for bid in bids
    ], total


@router.get("/my-bids")
def my_bids(request: Request, session: SessionDep, principal: PagePrincipalDep) -> Response:
    require_role(principal, Role.PROGRAMME_OFFICE, "see a programme office's bids")
    bids, total = summaries(session, principal)
    return render(request, "my_bids.html", {"bids": bids, "total": total})
