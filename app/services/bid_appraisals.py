"""A stored bid's appraisal: the snapshot a submitted version was given, or computed afresh."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.snapshots import Snapshots
from app.services.appraisals import BidAppraisalResult, MonteCarloRequest, appraise_version
from app.services.bids import BidService
from app.tables import AppraisalSnapshot, Round


@dataclass
class BidAppraisals:
    session: Session
    principal: Principal

    def of_bid(
        self, bid_id: uuid.UUID, request: MonteCarloRequest
    ) -> BidAppraisalResult | AppraisalSnapshot:
        """The current version's snapshot when it was submitted and the request asks for no
        Monte Carlo run of its own; otherwise the appraisal computed now."""
        bids = BidService(self.session, self.principal)
        bid = bids.get(bid_id)
        version = bids.current(bid)
        if request.enabled is None and not request.given:
            snapshot = Snapshots(self.session).of_version(version.id)
            if snapshot is not None:
                return snapshot
        round_ = self.session.get(Round, bid.round_id)
        assert round_ is not None  # a bid's round always exists (foreign key)
        _, quality = bids.findings(bid)  # scored with the round's quality weights
        return appraise_version(
            round_, version, bids.bids.hypotheses([version.id]), quality, request
        )
