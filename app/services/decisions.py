"""Decisions on a round's bids: recorded by its chair all together or not at all, each with the
bid version, appraisal snapshot and ranking entry it was made on, and never changed after."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from app.repositories.decisions import DecisionRecord, Decisions, RoundBids
from app.repositories.portfolio import PortfolioRuns
from app.repositories.rounds import Rounds
from app.schemas.decisions import DecisionIn, DecisionsCreate, Outcome
from app.schemas.keys import Role
from app.services.ranking import RankedRound, RankingService
from app.tables import Decision, Round
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.ranking import StabilitySettings

# Decisions are made on the ranking with the default weight draws, so anyone can compute the
# same ranking again from what a decision stores.
DECISION_STABILITY = StabilitySettings()


@dataclass
class DecisionService:
    session: Session
    principal: Principal

    def round_to_decide(self, round_id: uuid.UUID) -> Round:
        """The round, locked, if the caller is its chair (404 unseen, 403 for any other role:
        administrators too, for a decision is the panel chair's to make and own)."""
        round_ = Rounds(self.session, self.principal).get(round_id, for_update=True)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        if self.principal.role is not Role.CHAIR:
            raise Forbidden(
                f"Only the round's chair records decisions; {self.principal.role.key_phrase} "
                "may not."
            )
        return round_

    def record(self, round_: Round, data: DecisionsCreate) -> list[DecisionRecord]:
        """Store every decision, or none: each item is checked before anything is stored."""
        status = RoundStatus(round_.status)
        if status is RoundStatus.DECIDED:
            raise Conflict("The round is decided, and a decided round is read-only.")
        if status is not RoundStatus.CLOSED:
            raise Conflict(f"Decisions are recorded once the round is closed; it is {status}.")
        bids = {
            bid.bid.id: bid
            for bid in RoundBids(self.session).current(round_.id, {BidStatus.UNDER_ASSESSMENT})
        }
        named = {item.portfolio_id for item in data.decisions if item.portfolio_id is not None}
        portfolios = PortfolioRuns(self.session).of_round(round_.id, named)
        _check_items(data.decisions, bids.keys(), portfolios)
        decisions = Decisions(self.session, self.principal)
        already = decisions.decided([item.bid_id for item in data.decisions])
        conflicts = [
            _error(index, "bid_id", "already decided: a decision is never changed", "decided")
            for index, item in enumerate(data.decisions)
            if item.bid_id in already
        ] + [
            _error(index, "bid_id", "its current version has no appraisal snapshot", "snapshot")
            for index, item in enumerate(data.decisions)
            if item.bid_id not in already and bids[item.bid_id].snapshot is None
        ]
        if conflicts:
            raise Conflict(
                "Some bids cannot be decided: " + _fields(conflicts) + "; nothing was stored.",
                errors=conflicts,
            )

        ranked = RankingService(self.session, self.principal).rank(round_, DECISION_STABILITY)
        rows = []
        for item in data.decisions:
            bid = bids[item.bid_id]
            assert bid.snapshot is not None
            rows.append(
                Decision(
                    round_id=round_.id,
                    bid_id=item.bid_id,
                    bid_version=bid.version_number,
                    snapshot_id=bid.snapshot.id,
                    account_id=self.principal.account,
                    outcome=item.outcome,
                    rationale=item.rationale.strip(),
                    conditions=[condition.strip() for condition in item.conditions or []],
                    portfolio_id=item.portfolio_id,
                    criteria_version=round_.criteria_version,
                    settings_version=round_.settings_version,
                    ranking=ranking_entry(ranked, item.bid_id),
                )
            )
        decisions.add_all(rows)
        return decisions.records(rows)

    def page(
        self, round_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[DecisionRecord], int]:
        self._readable_round(round_id)
        return Decisions(self.session, self.principal).page(round_id, limit, offset)

    def get(self, round_id: uuid.UUID, decision_id: uuid.UUID) -> DecisionRecord:
        self._readable_round(round_id)
        record = Decisions(self.session, self.principal).get(round_id, decision_id)
        if record is None:
            raise NotFound(f"No decision {decision_id} in round {round_id}.")
        return record

    def of_bids(self, bid_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DecisionRecord]:
        """The decisions on those of the bids the caller sees, by bid."""
        self._require_may_read()
        return Decisions(self.session, self.principal).of_bids(bid_ids)

    def _readable_round(self, round_id: uuid.UUID) -> Round:
        round_ = Rounds(self.session, self.principal).get(round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        self._require_may_read()
        return round_

    def _require_may_read(self) -> None:
        """Chairs and administrators read a round's decisions, a programme office those on its
        own footprint's bids; assessors and integrations may not (403)."""
        role = self.principal.role
        if role not in {Role.ADMIN, Role.CHAIR, Role.PROGRAMME_OFFICE}:
            raise Forbidden(f"{role.key_phrase.capitalize()} may not read decisions.")


def discloses_others(principal: Principal) -> bool:
    """Whether the caller may see who decided and the totals of other bids' requests: not a
    programme office, which sees only its own footprint's bids."""
    return principal.role is not Role.PROGRAMME_OFFICE


def _error(index: int, field: str, message: str, kind: str = "domain") -> FieldError:
    return FieldError(
        field=f"decisions[{index}].{field}", location="body", message=message, type=kind
    )


def _fields(errors: list[FieldError]) -> str:
    return ", ".join(error.field for error in errors)


def _check_items(
    items: list[DecisionIn], under_assessment: Any, portfolios: Collection[uuid.UUID]
) -> None:
    """422 naming every item that cannot be a decision of this round (`portfolios`: the
    portfolio runs of the round the items name)."""
    errors = []
    seen: set[uuid.UUID] = set()
    for index, item in enumerate(items):
        if item.bid_id in seen:
            errors.append(_error(index, "bid_id", "decided twice in this request"))
        elif item.bid_id not in under_assessment:
            errors.append(
                _error(index, "bid_id", "no bid under assessment in this round has this id")
            )
        seen.add(item.bid_id)
        with_conditions = item.outcome is Outcome.APPROVED_WITH_CONDITIONS
        if with_conditions and not item.conditions:
            errors.append(_error(index, "conditions", "approved_with_conditions needs conditions"))
        elif not with_conditions and item.conditions:
            errors.append(
                _error(index, "conditions", f"an {item.outcome} decision takes no conditions")
            )
        if item.portfolio_id is not None and item.portfolio_id not in portfolios:
            errors.append(
                _error(index, "portfolio_id", f"no portfolio {item.portfolio_id} in this round")
            )
    if errors:
        raise ValidationFailed(
            "Invalid: " + _fields(errors) + "; nothing was stored.", errors=errors
        )


def ranking_entry(ranked: RankedRound, bid_id: uuid.UUID) -> dict[str, Any]:
    """The bid's entry in the ranking, with what the ranking was computed under (a document)."""
    ranking = ranked.ranking
    line = ranking.funding_line
    assert ranked.stability is not None  # decisions rank with DECISION_STABILITY
    entry: dict[str, Any] = {
        "bids_ranked": len(ranking.items),
        "envelope": ranked.envelope,
        "funding_line": None
        if line is None
        else {
            "envelope": line.envelope,
            "funded_count": line.funded_count,
            "funded_total": line.funded_total,
        },
        "criteria_version": ranked.round.criteria_version,
        "settings_version": ranked.round.settings_version,
        "combination": str(ranked.settings.combination),
        "stability": {
            "draws": ranked.stability.draws,
            "spread": ranked.stability.spread,
            "seed": ranked.stability.seed,
        },
    }
    key = str(bid_id)
    for item in ranking.items:
        if item.bid_id == key:
            return {
                "rank": item.rank,
                "weighted_score": item.weighted_score,
                "value_score": item.value.score,
                "cumulative_funding": item.cumulative_funding,
                "inside_line": item.inside_line,
                "p_above_line": item.p_above_line,
                "rank_range": None if item.rank_range is None else list(item.rank_range),
                **entry,
            }
    reason = next((u.reason for u in ranking.unranked if u.bid_id == key), "not ranked")
    return {"rank": None, "reason": reason, **entry}
