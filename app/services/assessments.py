"""Assessors score the bids of a closed round; a re-score supersedes their own current scores,
which stay in the history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import Conflict, Forbidden
from app.repositories.bids import Bids
from app.repositories.pages import Fetched, Window
from app.repositories.panel import Panel
from app.schemas.assessments import AssessmentCreate
from app.schemas.keys import Role
from app.services.conflicts import Withdrawal, Withdrawals, require_role
from app.services.rounds import round_framework
from app.tables import Assessment, AssessmentScore, Bid, Round, utcnow
from bpv.errors import InvalidInput
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.scoring import ComputedScore, CriteriaFramework, CriterionScore, CriterionSource
from bpv.scoring import weighted_score as domain_weighted_score

# Who sees the panel members behind the scores; a programme office sees the scores alone.
NAMING_ROLES = frozenset({Role.ADMIN, Role.CHAIR, Role.ASSESSOR})


def require_closed(round_: Round, what: str) -> None:
    """409 unless the round is closed: the panel's work is done between closing and deciding."""
    if round_.status != RoundStatus.CLOSED:
        raise Conflict(f"{what} while the round is closed; this round is {round_.status}.")


def bid_under_assessment(
    session: Session, principal: Principal, round_: Round, bid_id: uuid.UUID
) -> Bid:
    """The round's bid, locked until the transaction ends, or 422 naming `bid_id`.

    A bid the caller may not see (another round's, or one it declared a conflict with) is
    refused exactly as one that does not exist, so the answer discloses nothing.
    """
    bid = Bids(session, principal).get(bid_id, for_update=True)
    if bid is None or bid.round_id != round_.id:
        raise InvalidInput(f"No bid {bid_id} in this round.", "bid_id")
    if bid.status != BidStatus.UNDER_ASSESSMENT:
        raise InvalidInput(f"Bid {bid_id} is {bid.status}, not under assessment.", "bid_id")
    return bid


def check_scores(framework: CriteriaFramework, scores: Sequence[CriterionScore]) -> None:
    """The domain's checks of one assessor's scores (InvalidInput naming `scores[i]...`)."""
    # Only the assessor's part is checked here: computed criteria take their values when the
    # ranking combines the scores, so any value on their scale stands in for them.
    stand_ins = {
        c.key: ComputedScore(c.key, c.scale.min, 0.0, "stand-in")
        for c in framework.criteria
        if c.source is CriterionSource.COMPUTED
    }
    domain_weighted_score(framework, scores, stand_ins, field_name="scores")


@dataclass(frozen=True)
class ReadAssessment:
    """An assessment as one caller may see it: the assessor named or not, and whether a
    conflict declared since withdrew it."""

    row: Assessment
    named: bool
    account_name: str | None
    withdrawal: Withdrawal | None


@dataclass
class AssessmentService:
    session: Session
    principal: Principal

    def score(self, round_: Round, data: AssessmentCreate) -> ReadAssessment:
        require_role(self.principal, Role.ASSESSOR, "score bids")
        require_closed(round_, "Bids are scored")
        bid = bid_under_assessment(self.session, self.principal, round_, data.bid_id)
        check_scores(
            round_framework(round_), [CriterionScore(s.criterion, s.score) for s in data.scores]
        )
        panel = Panel(self.session)
        account = self.principal.account
        now = utcnow()
        previous = panel.current_assessment(bid, account)
        if previous is not None:
            # Out of the one-current-row index before the new row goes in.
            previous.superseded_at = now
            self.session.flush()
        row = panel.add_assessment(
            Assessment(
                round_id=round_.id,
                bid_id=bid.id,
                bid_version=bid.current_version,
                account_id=account,
                criteria_version=round_.criteria_version,
                created_at=now,
                scores=[
                    AssessmentScore(
                        position=index, criterion=s.criterion, score=s.score, comment=s.comment
                    )
                    for index, s in enumerate(data.scores)
                ],
            )
        )
        names = panel.account_names([account])
        # The bid was visible to its assessor, so no conflict of theirs touches it.
        return ReadAssessment(row, True, names[account], None)

    def page(
        self,
        round_: Round,
        window: Window,
        *,
        bid_id: uuid.UUID | None = None,
        include_history: bool = False,
    ) -> tuple[list[ReadAssessment], Fetched[Any]]:
        self._require_may_read(round_)
        panel = Panel(self.session, self.principal)
        fetched = panel.assessments_page(
            round_, window, bid_id=bid_id, include_history=include_history
        )
        return self._read(round_, fetched.rows), fetched

    def _require_may_read(self, round_: Round) -> None:
        role = self.principal.role
        if role is Role.PROGRAMME_OFFICE and round_.status != RoundStatus.DECIDED:
            raise Forbidden(
                "A programme office sees its bids' assessments once the round is decided; "
                f"this round is {round_.status}."
            )
        if role is Role.INTEGRATION:
            raise Forbidden(f"{role.key_phrase.capitalize()} may not see assessments.")

    def _read(self, round_: Round, rows: list[Assessment]) -> list[ReadAssessment]:
        named = self.principal.role in NAMING_ROLES
        panel = Panel(self.session)
        names = panel.account_names({r.account_id for r in rows}) if named else {}
        withdrawals = Withdrawals.of_round(
            self.session, round_, panel.bids({r.bid_id for r in rows})
        )
        return [
            ReadAssessment(
                row, named, names.get(row.account_id), withdrawals.of(row.account_id, row.bid_id)
            )
            for row in rows
        ]
