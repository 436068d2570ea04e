"""A round's ranking: its bids' appraisal snapshots and panel scores, ranked by the domain under
the round's framework and settings, and cut down to what the caller may see."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app import translate
from app.auth import Principal
from app.problems import Conflict, Forbidden, NotFound
from app.repositories.decisions import RoundBid, RoundBids
from app.repositories.rounds import Rounds
from app.schemas.appraisals import RoundSettings
from app.schemas.keys import Role
from app.services.panel_scores import BidPanelScores, panel_scores
from app.services.rounds import round_framework, round_settings
from app.tables import AppraisalSnapshot, Round
from bpv.errors import InvalidInput
from bpv.lifecycle import BidStatus, RoundStatus
from bpv.ranking import (
    BidToRank,
    Ranking,
    RankReversal,
    StabilitySettings,
    UnrankedBid,
    rank_bids,
)
from bpv.scoring import ComputedScore, CriteriaFramework, ReturnFigures

# The bids a ranking holds: those the panel assessed, before and after their decisions.
RANKED_STATUSES = frozenset(
    {
        BidStatus.UNDER_ASSESSMENT,
        BidStatus.APPROVED,
        BidStatus.APPROVED_WITH_CONDITIONS,
        BidStatus.REJECTED,
        BidStatus.IN_DELIVERY,
        BidStatus.CLOSED,
    }
)
RANKED_ROUNDS = frozenset({RoundStatus.CLOSED, RoundStatus.DECIDED})
NO_SNAPSHOT = "its current version has no appraisal snapshot"


@dataclass(frozen=True)
class RankedRound:
    """A round's ranking as the caller may see it, with what it was computed under.

    `bids` holds every bid of `ranking` (and of its unranked list) with its title, footprint
    and panel scores; `discloses_totals` is False for a caller who sees only some bids, whom
    cumulative and funded totals would tell other bids' requests.
    """

    round: Round
    framework: CriteriaFramework
    settings: RoundSettings
    envelope: float | None
    stability: StabilitySettings | None
    ranking: Ranking
    bids: Mapping[uuid.UUID, RoundBid]
    panel: Mapping[uuid.UUID, BidPanelScores]
    discloses_totals: bool


def envelope_total(envelope: Mapping[str, object] | None) -> float | None:
    """What the funding line holds: the envelope's total, else its years added up, else none."""
    if not envelope:
        return None
    total = envelope.get("total")
    if isinstance(total, int | float):
        return float(total)
    by_year = envelope.get("by_year") or {}
    assert isinstance(by_year, Mapping)
    amounts = [float(amount) for amount in by_year.values()]
    return math.fsum(amounts) if amounts else None


def computed_scores(snapshot: AppraisalSnapshot) -> dict[str, ComputedScore]:
    """The snapshot's computed criteria, as the domain scores them."""
    return {
        item["criterion"]: ComputedScore(
            item["criterion"], item["value"], item["fraction"], item["detail"]
        )
        for item in snapshot.computed
    }


@dataclass
class RankingService:
    session: Session
    principal: Principal

    def round_ranking(self, round_id: uuid.UUID, stability: StabilitySettings) -> RankedRound:
        """The ranking of a closed or decided round, as far as the caller may see it.

        The chair of the round and administrators see every bid; a programme office only its
        own footprint's (the ranks are still the round's), with the reversals among its own
        bids and no cumulative or funded totals. Assessors and integrations may not read a
        ranking (403): a ranking that leaves out each assessor's conflicted bids would answer
        differently per assessor, and assessors score bids, they do not rank them.
        """
        round_ = Rounds(self.session, self.principal).get(round_id)
        if round_ is None:
            raise NotFound(f"No round {round_id}.")
        role = self.principal.role
        if role not in {Role.ADMIN, Role.CHAIR, Role.PROGRAMME_OFFICE}:
            raise Forbidden(f"{role.key_phrase.capitalize()} may not read a round's ranking.")
        ranked = self.rank(round_, stability)
        if role is not Role.PROGRAMME_OFFICE:
            return ranked
        return _own_footprint(ranked, self.principal.footprint_id)

    def rank(self, round_: Round, stability: StabilitySettings | None) -> RankedRound:
        """Every bid of the round that the panel assessed, ranked (whoever asks); with no
        `stability`, no weight draws and no stability figures."""
        if RoundStatus(round_.status) not in RANKED_ROUNDS:
            raise Conflict(
                f"A round is ranked once it is closed; this one is {round_.status}.",
                round_status=round_.status,
            )
        framework = round_framework(round_)
        settings = round_settings(round_)
        bids = RoundBids(self.session).current(round_.id, RANKED_STATUSES)
        panel = panel_scores(self.session, round_)
        to_rank, unrankable = [], []
        for bid in bids:
            reason = _unrankable(bid.snapshot, round_)
            if reason is not None:
                unrankable.append((str(bid.bid.id), reason))
                continue
            assert bid.snapshot is not None
            to_rank.append(_bid_to_rank(bid, bid.snapshot, panel.get(bid.bid.id)))
        envelope = envelope_total(round_.envelope)
        try:
            ranking = rank_bids(
                framework,
                to_rank,
                value=translate.value_settings(settings.value),
                combination=settings.combination,
                disagreement_tolerance=settings.disagreement_tolerance,
                envelope=envelope,
                stability=stability,
            )
        except InvalidInput as error:
            # Stored snapshots and scores the domain refuses are the round's state, not the
            # request's fault.
            raise Conflict(f"The round's bids cannot be ranked: {error.message}.") from None
        ranking = replace(
            ranking,
            unranked=ranking.unranked + tuple(UnrankedBid(i, r) for i, r in unrankable),
        )
        return RankedRound(
            round=round_,
            framework=framework,
            settings=settings,
            envelope=envelope,
            stability=stability,
            ranking=ranking,
            bids={bid.bid.id: bid for bid in bids},
            panel=panel,
            discloses_totals=True,
        )


def _unrankable(snapshot: AppraisalSnapshot | None, round_: Round) -> str | None:
    if snapshot is None:
        return NO_SNAPSHOT
    if snapshot.criteria_version != round_.criteria_version:
        return (
            f"appraised under criteria version {snapshot.criteria_version}, not the round's "
            f"{round_.criteria_version}"
        )
    return None


def _bid_to_rank(
    bid: RoundBid, snapshot: AppraisalSnapshot, scores: BidPanelScores | None
) -> BidToRank:
    return BidToRank(
        bid_id=str(bid.bid.id),
        assessments=scores.counted if scores is not None else (),
        computed=computed_scores(snapshot),
        moderated_score=scores.moderated_score if scores is not None else None,
        returns=ReturnFigures(
            bcr=snapshot.bcr,
            cash_releasing_roi=snapshot.cash_releasing_roi,
            npsv=snapshot.npsv,
            requested_funding=snapshot.requested_funding,
        ),
    )


def _own_footprint(ranked: RankedRound, footprint_id: uuid.UUID | None) -> RankedRound:
    own = {
        str(bid_id) for bid_id, bid in ranked.bids.items() if bid.bid.footprint_id == footprint_id
    }
    ranking = ranked.ranking
    reversals = []
    for reversal in ranking.reversals:
        pairs = tuple(pair for pair in reversal.swapped if set(pair) <= own)
        if reversal.removed in own and pairs:
            reversals.append(RankReversal(reversal.removed, pairs))
    return replace(
        ranked,
        ranking=replace(
            ranking,
            items=tuple(item for item in ranking.items if item.bid_id in own),
            unranked=tuple(item for item in ranking.unranked if item.bid_id in own),
            reversals=tuple(reversals),
        ),
        bids={bid_id: bid for bid_id, bid in ranked.bids.items() if str(bid_id) in own},
        panel={bid_id: s for bid_id, s in ranked.panel.items() if str(bid_id) in own},
        discloses_totals=False,
    )
