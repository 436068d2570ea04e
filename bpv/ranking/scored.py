"""A ranked bid's working record: its combined, weighted and value scores."""

from __future__ import annotations

from dataclasses import dataclass

from bpv.ranking.inputs import BidToRank
from bpv.scoring import CombinedScore, WeightedScore


@dataclass(frozen=True)
class ScoredBid:
    """`combined` is None for a bid no counted assessor scored that stands on its moderation;
    `weighted_score` is the moderated score when there is one, else the combined one."""

    bid: BidToRank
    combined: CombinedScore | None
    weighted_score: float
    value: WeightedScore

    @property
    def moderated(self) -> bool:
        return self.bid.moderated_score is not None
