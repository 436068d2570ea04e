"""The chair moderates a bid's weighted score: stored beside the assessors' scores, never over
them; a new moderation supersedes the last, which stays in the history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import Forbidden
from app.repositories.pages import Fetched, Window
from app.repositories.panel import Panel
from app.schemas.keys import Role
from app.schemas.moderations import ModerationCreate
from app.services.assessments import NAMING_ROLES, bid_under_assessment, require_closed
from app.services.conflicts import Withdrawals, require_role
from app.services.rounds import round_framework
from app.tables import Moderation, Round, utcnow
from bpv.errors import InvalidInput
from bpv.lifecycle import RoundStatus


@dataclass(frozen=True)
class ReadModeration:
    row: Moderation
    named: bool
    account_name: str | None


@dataclass
class ModerationService:
    session: Session
    principal: Principal

    def moderate(self, round_: Round, data: ModerationCreate) -> ReadModeration:
        require_role(self.principal, Role.CHAIR, "moderate scores: the round's chair does")
        require_closed(round_, "Scores are moderated")
        bid = bid_under_assessment(self.session, self.principal, round_, data.bid_id)
        scale = round_framework(round_).weighted_scale
        if not scale.min <= data.weighted_score <= scale.max:
            raise InvalidInput(
                f"weighted score {data.weighted_score} is off the framework's weighted scale "
                f"{scale.min:g} to {scale.max:g}",
                "weighted_score",
            )
        panel = Panel(self.session)
        assessments = panel.current_assessments(round_, [bid.id])
        withdrawals = Withdrawals.of_round(self.session, round_, [bid])
        if all(withdrawals.of(a.account_id, bid.id) is not None for a in assessments):
            raise InvalidInput(f"Bid {bid.id} has no counted assessment to moderate yet.", "bid_id")
        now = utcnow()
        previous = panel.current_moderation(bid)
        if previous is not None:
            previous.superseded_at = now
            self.session.flush()
        account = self.principal.account
        row = panel.add_moderation(
            Moderation(
                round_id=round_.id,
                bid_id=bid.id,
                account_id=account,
                score=data.weighted_score,
                reason=data.reason,
                criteria_version=round_.criteria_version,
                created_at=now,
            )
        )
        return ReadModeration(row, True, panel.account_names([account])[account])

    def page(
        self,
        round_: Round,
        window: Window,
        *,
        bid_id: uuid.UUID | None = None,
        include_history: bool = False,
    ) -> tuple[list[ReadModeration], Fetched[Any]]:
        role = self.principal.role
        if role is Role.PROGRAMME_OFFICE and round_.status != RoundStatus.DECIDED:
            raise Forbidden(
                "A programme office sees its bids' moderations once the round is decided; "
                f"this round is {round_.status}."
            )
        if role in (Role.ASSESSOR, Role.INTEGRATION):
            raise Forbidden(f"{role.key_phrase.capitalize()} may not see moderations.")
        panel = Panel(self.session, self.principal)
        fetched = panel.moderations_page(
            round_, window, bid_id=bid_id, include_history=include_history
        )
        rows = fetched.rows
        named = role in NAMING_ROLES
        names = panel.account_names({r.account_id for r in rows}) if named else {}
        return [ReadModeration(r, named, names.get(r.account_id)) for r in rows], fetched
