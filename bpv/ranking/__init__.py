"""The ranking of a funding round's bids (SPEC 4.8): by value score, with the funding line, rank
stability under varying weights and the rank-reversal check."""

from bpv.ranking.funding_line import FUNDING_TOLERANCE, FundingLine
from bpv.ranking.inputs import (
    MAX_DRAWS,
    MAX_SEED,
    MAX_STABILITY_CELLS,
    BidToRank,
    StabilitySettings,
)
from bpv.ranking.ordering import SCORE_DECIMALS
from bpv.ranking.ranking import RankedBid, Ranking, UnrankedBid, rank_bids
from bpv.ranking.reversal import RankReversal
from bpv.ranking.stability import drawn_weights

__all__ = [
    "FUNDING_TOLERANCE",
    "MAX_DRAWS",
    "MAX_SEED",
    "MAX_STABILITY_CELLS",
    "SCORE_DECIMALS",
    "BidToRank",
    "FundingLine",
    "RankReversal",
    "RankedBid",
    "Ranking",
    "StabilitySettings",
    "UnrankedBid",
    "drawn_weights",
    "rank_bids",
]
