"""Conflicts of interest: an assessor declares them; from then on the bids they touch are hidden
from it, and any scores it gave them are withdrawn (kept, but no longer counted)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import Conflict, Forbidden, NotFound
from app.repositories.pages import Fetched, Window
from app.repositories.panel import Panel
from app.repositories.places import Footprints, Organisations
from app.repositories.rounds import Rounds
from app.schemas.conflicts import ConflictCreate
from app.schemas.keys import Role
from app.tables import Bid, Round
from app.tables import Conflict as ConflictRow
from bpv.errors import InvalidInput
from bpv.lifecycle import RoundStatus


def panel_round(session: Session, principal: Principal, round_id: uuid.UUID) -> Round:
    """The round if the caller may see it, else 404."""
    row = Rounds(session, principal).get(round_id)
    if row is None:
        raise NotFound(f"No round {round_id}.")
    return row


def require_role(principal: Principal, role: Role, action: str) -> None:
    """403 unless the caller has `role`; unlike `Principal.require`, an administrator too:
    declaring, scoring and moderating are the panel members' own acts."""
    if principal.role is not role:
        raise Forbidden(f"{principal.role.key_phrase.capitalize()} may not {action}.")


@dataclass(frozen=True)
class DeclaredConflict:
    row: ConflictRow
    account_name: str


@dataclass
class ConflictService:
    session: Session
    principal: Principal

    def declare(self, round_: Round, data: ConflictCreate) -> DeclaredConflict:
        require_role(self.principal, Role.ASSESSOR, "declare conflicts of interest")
        if round_.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
            raise Conflict(
                f"Conflicts are declared while the round is open or closed; it is {round_.status}."
            )
        self._check_target(data)
        row = Panel(self.session).add_conflict(
            ConflictRow(
                round_id=round_.id,
                account_id=self.principal.account,
                footprint_id=data.footprint_id,
                organisation_id=data.organisation_id,
                reason=data.reason,
            )
        )
        names = Panel(self.session).account_names([row.account_id])
        return DeclaredConflict(row, names[row.account_id])

    def page(self, round_: Round, window: Window) -> tuple[list[DeclaredConflict], Fetched[Any]]:
        if self.principal.role not in (Role.ADMIN, Role.CHAIR, Role.ASSESSOR):
            raise Forbidden(
                f"{self.principal.role.key_phrase.capitalize()} may not see the panel's "
                "conflicts of interest."
            )
        panel = Panel(self.session, self.principal)
        fetched = panel.conflicts_page(round_, window)
        rows = fetched.rows
        names = panel.account_names({row.account_id for row in rows})
        return [DeclaredConflict(row, names[row.account_id]) for row in rows], fetched

    def _check_target(self, data: ConflictCreate) -> None:
        if (data.footprint_id is None) == (data.organisation_id is None):
            both = data.footprint_id is not None
            raise InvalidInput(
                "name a footprint_id or an organisation_id, not both"
                if both
                else "name the footprint_id or the organisation_id the conflict is with",
                "organisation_id" if both else "footprint_id",
            )
        if (
            data.footprint_id is not None
            and Footprints(self.session).get(data.footprint_id) is None
        ):
            raise InvalidInput(f"No footprint {data.footprint_id}.", "footprint_id")
        if (
            data.organisation_id is not None
            and Organisations(self.session).get(data.organisation_id) is None
        ):
            raise InvalidInput(f"No organisation {data.organisation_id}.", "organisation_id")


@dataclass(frozen=True)
class Withdrawal:
    """Why an assessor's scores of a bid no longer count: the first conflict it declared."""

    conflict: ConflictRow

    def reason(self, *, disclose: bool = True) -> str:
        """The conflict's date, and its stated reason unless that would identify the assessor."""
        declared = f"conflict of interest declared {self.conflict.created_at.date().isoformat()}"
        return f"{declared}: {self.conflict.reason}" if disclose else declared


class Withdrawals:
    """Which assessors' scores of which bids a declared conflict withdraws, by the rule that
    hides the bids from them (`app.scopes.declared_conflict`), read once for many bids."""

    def __init__(
        self,
        conflicts: Iterable[ConflictRow],
        bids: Iterable[Bid],
        organisations: Mapping[uuid.UUID, set[uuid.UUID]],
    ) -> None:
        self._by_account: dict[uuid.UUID, list[ConflictRow]] = {}
        for conflict in sorted(conflicts, key=lambda c: (c.created_at, str(c.id))):
            self._by_account.setdefault(conflict.account_id, []).append(conflict)
        self._footprints = {bid.id: bid.footprint_id for bid in bids}
        self._organisations = organisations

    @classmethod
    def of_round(cls, session: Session, round_: Round, bids: Iterable[Bid]) -> Withdrawals:
        """Every conflict of the round, whoever may see them: a withdrawal shows to all."""
        panel = Panel(session)
        listed = list(bids)
        return cls(panel.conflicts(round_), listed, panel.organisations({b.id for b in listed}))

    def of(self, account_id: uuid.UUID, bid_id: uuid.UUID) -> Withdrawal | None:
        organisations = self._organisations.get(bid_id, set())
        for conflict in self._by_account.get(account_id, ()):
            if (
                conflict.footprint_id is not None
                and conflict.footprint_id == self._footprints.get(bid_id)
            ) or conflict.organisation_id in organisations:
                return Withdrawal(conflict)
        return None
