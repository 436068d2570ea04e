"""The panel's scores of a round's bids, as the ranking combines them: each bid's counted
assessments, those a conflict withdrew, and the chair's moderation beside them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.repositories.panel import Panel
from app.services.conflicts import Withdrawals
from app.tables import Assessment, Round
from bpv.lifecycle import SUBMITTED_OR_LATER, BidStatus
from bpv.scoring import AssessorScores, CriterionScore

# A bid the panel scores: under assessment, or decided since (submitted bids move to
# assessment when the round closes; drafts and withdrawn bids are never scored).
SCORED_STATUSES = SUBMITTED_OR_LATER - {BidStatus.SUBMITTED}


@dataclass(frozen=True)
class BidPanelScores:
    bid_id: uuid.UUID
    counted: tuple[AssessorScores, ...]  # current, and no conflict withdrew them
    withdrawn: tuple[AssessorScores, ...]  # current, but withdrawn by a conflict declared since
    moderated_score: float | None
    moderation_reason: str | None


def assessor_scores(row: Assessment) -> AssessorScores:
    return AssessorScores(
        assessor=str(row.account_id),
        scores=tuple(CriterionScore(s.criterion, s.score) for s in row.scores),
    )


def panel_scores(session: Session, round_: Round) -> dict[uuid.UUID, BidPanelScores]:
    """Every scored bid of the round (oldest first), read in a fixed number of queries.

    The caller has authorised the read: this sees every assessment of the round.
    """
    panel = Panel(session)
    bids = panel.assessed_bids(round_, SCORED_STATUSES)
    withdrawals = Withdrawals.of_round(session, round_, bids)
    counted: dict[uuid.UUID, list[AssessorScores]] = {bid.id: [] for bid in bids}
    withdrawn: dict[uuid.UUID, list[AssessorScores]] = {bid.id: [] for bid in bids}
    for row in panel.current_assessments(round_):
        if row.bid_id not in counted:
            continue  # a bid withdrawn after it was scored
        kept = withdrawn if withdrawals.of(row.account_id, row.bid_id) else counted
        kept[row.bid_id].append(assessor_scores(row))
    moderations = {m.bid_id: m for m in panel.current_moderations(round_)}
    result = {}
    for bid in bids:
        moderation = moderations.get(bid.id)
        result[bid.id] = BidPanelScores(
            bid_id=bid.id,
            counted=tuple(counted[bid.id]),
            withdrawn=tuple(withdrawn[bid.id]),
            moderated_score=None if moderation is None else moderation.score,
            moderation_reason=None if moderation is None else moderation.reason,
        )
    return result
