"""A round's ranking (SPEC 3.1, 4.8): its bids in rank order with the scores that place them,
the funding line and how stable each rank is as the criteria weights vary."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from app.schemas.common import ReadSchema
from bpv.scoring import Combination, CriteriaFramework, CriterionSource, ScoreTerm

if TYPE_CHECKING:
    from app.services.ranking import RankedRound
    from bpv.ranking import RankedBid

WITHHELD = (
    " Withheld (null) from a programme office: with its own requests it would disclose other "
    "footprints' bids."
)


class ScoreTermOut(ReadSchema):
    name: str = Field(description="The criterion's key, or `quality` / `return`.")
    weight: float
    value: float
    contribution: float = Field(description="weight x value; a score's terms add up to it.")
    detail: str

    @classmethod
    def of(cls, term: ScoreTerm) -> ScoreTermOut:
        return cls(
            name=term.name,
            weight=term.weight,
            value=term.value,
            contribution=term.contribution,
            detail=term.detail,
        )


class CriterionSpreadOut(ReadSchema):
    criterion: str
    spread: float = Field(description="Highest minus lowest counted assessor score.")
    relative_spread: float = Field(description="The spread as a fraction of the scale's range.")
    disagreement: bool = Field(description="Beyond the round's disagreement tolerance.")


class FundingLineOut(ReadSchema):
    envelope: float
    funded_count: int = Field(description="Bids inside the line.")
    funded_total: float | None = Field(description="Their requested funding, added up." + WITHHELD)


class StabilityOut(ReadSchema):
    draws: int
    spread: float
    seed: int


class RankedBidOut(ReadSchema):
    bid_id: uuid.UUID
    title: str
    footprint_id: uuid.UUID
    rank: int = Field(description="1 is best: by value score, then weighted score, then bid id.")
    weighted_score: float = Field(
        description="The score that ranks the bid: the moderated score when there is one, else "
        "the assessors' combined weighted score (on the criteria's own scale)."
    )
    assessed_weighted_score: float | None = Field(
        description="The counted assessors' combined weighted score; null when none scored."
    )
    moderated_score: float | None = Field(description="The chair's moderated score, or null.")
    moderation_reason: str | None = None
    moderated: bool
    value_score: float = Field(description="Quality and return combined as the round says.")
    terms: list[ScoreTermOut] = Field(description="The value score's terms (quality, return).")
    criteria: list[ScoreTermOut] = Field(
        description="The combined weighted score's terms, one per criterion."
    )
    spread: list[CriterionSpreadOut] = Field(
        description="The counted assessors' spread on each assessor-scored criterion."
    )
    disagreement: bool = Field(description="Flagged for moderation (SPEC 4.8).")
    assessors: int = Field(description="Counted assessors (conflicted ones left out).")
    requested_funding: float
    cumulative_funding: float | None = Field(
        description="Requested funding of the bids ranked down to this one." + WITHHELD
    )
    inside_line: bool | None = Field(description="Inside the funding line; null: no envelope.")
    rank_range: tuple[int, int] | None = Field(
        description="P5 and P95 of its rank over the weight draws."
    )
    p_above_line: float | None = Field(
        description="Share of weight draws in which it lies inside the funding line; null: no "
        "envelope."
    )
    rank_acceptability: dict[str, float] | None = Field(
        description="SMAA-2 rank acceptability: rank → share of draws in which it takes it."
    )


class UnrankedBidOut(ReadSchema):
    bid_id: uuid.UUID
    reason: str


class RankReversalOut(ReadSchema):
    removed: uuid.UUID = Field(description="The bid whose removal swaps the pairs.")
    swapped: list[tuple[uuid.UUID, uuid.UUID]] = Field(
        description="Pairs (a, b): a ranks above b with the bid, b above a without it."
    )


class RankingOut(ReadSchema):
    round_id: uuid.UUID
    criteria_version: int
    settings_version: int
    combination: Combination
    envelope: float | None = Field(
        description="The funding line's envelope: the round's total, else its years added up; "
        "null when it has none."
    )
    funding_line: FundingLineOut | None
    stability: StabilityOut
    items: list[RankedBidOut]
    unranked: list[UnrankedBidOut]
    reversals: list[RankReversalOut]

    @classmethod
    def of(cls, ranked: RankedRound) -> RankingOut:
        """The ranking as the caller may see it."""
        ranking = ranked.ranking
        line = ranking.funding_line
        assert ranked.stability is not None  # the ranking's readers always draw weights
        return cls(
            round_id=ranked.round.id,
            criteria_version=ranked.round.criteria_version,
            settings_version=ranked.round.settings_version,
            combination=ranked.settings.combination,
            envelope=ranked.envelope,
            funding_line=None
            if line is None
            else FundingLineOut(
                envelope=line.envelope,
                funded_count=line.funded_count,
                funded_total=line.funded_total if ranked.discloses_totals else None,
            ),
            stability=StabilityOut(
                draws=ranked.stability.draws,
                spread=ranked.stability.spread,
                seed=ranked.stability.seed,
            ),
            items=[_ranked_bid(ranked, item) for item in ranking.items],
            unranked=[
                UnrankedBidOut(bid_id=uuid.UUID(item.bid_id), reason=item.reason)
                for item in ranking.unranked
            ],
            reversals=[
                RankReversalOut(
                    removed=uuid.UUID(reversal.removed),
                    swapped=[(uuid.UUID(a), uuid.UUID(b)) for a, b in reversal.swapped],
                )
                for reversal in ranking.reversals
            ],
        )


def _ranked_bid(ranked: RankedRound, item: RankedBid) -> RankedBidOut:
    bid_id = uuid.UUID(item.bid_id)
    bid = ranked.bids[bid_id]
    panel = ranked.panel.get(bid_id)
    combined = item.combined
    by_assessor = [] if combined is None else [a.score.terms for a in combined.by_assessor]
    assert bid.snapshot is not None  # a ranked bid has one
    return RankedBidOut(
        bid_id=bid_id,
        title=bid.title,
        footprint_id=bid.bid.footprint_id,
        rank=item.rank,
        weighted_score=item.weighted_score,
        assessed_weighted_score=None if combined is None else combined.weighted_score,
        moderated_score=None if panel is None else panel.moderated_score,
        moderation_reason=None if panel is None else panel.moderation_reason,
        moderated=item.moderated,
        value_score=item.value.score,
        terms=[ScoreTermOut.of(term) for term in item.value.terms],
        criteria=[] if combined is None else [ScoreTermOut.of(term) for term in combined.terms],
        spread=criterion_spreads(
            ranked.framework, by_assessor, ranked.settings.disagreement_tolerance
        ),
        disagreement=combined is not None and combined.disagreement,
        assessors=0 if panel is None else len(panel.counted),
        requested_funding=bid.snapshot.requested_funding,
        cumulative_funding=item.cumulative_funding if ranked.discloses_totals else None,
        inside_line=item.inside_line,
        rank_range=item.rank_range,
        p_above_line=item.p_above_line,
        rank_acceptability=None
        if item.rank_acceptability is None
        else {str(rank): share for rank, share in sorted(item.rank_acceptability.items())},
    )


def criterion_spreads(
    framework: CriteriaFramework, by_assessor: Sequence[Sequence[ScoreTerm]], tolerance: float
) -> list[CriterionSpreadOut]:
    """Each assessor-scored criterion's spread over the assessors' terms (in framework order)."""
    spreads = []
    for index, criterion in enumerate(framework.criteria):
        if criterion.source is not CriterionSource.ASSESSOR or not by_assessor:
            continue
        values = [terms[index].value for terms in by_assessor]
        spread = max(values) - min(values)
        relative = spread / (criterion.scale.max - criterion.scale.min)
        spreads.append(
            CriterionSpreadOut(
                criterion=criterion.key,
                spread=spread,
                relative_spread=relative,
                disagreement=relative > tolerance,
            )
        )
    return spreads


Cell = str | int | float | bool | None
"""A table cell of an export: a number, text, a boolean or nothing."""

RANKING_COLUMNS = (
    "rank",
    "bid_id",
    "title",
    "weighted_score",
    "value_score",
    "requested_funding",
    "cumulative_funding",
    "inside_line",
    "rank_p5",
    "rank_p95",
    "p_above_line",
    "moderated",
)


def ranking_table(ranking: RankingOut) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """The ranking's items as a table: one row per bid, the same figures as its JSON."""
    rows: list[tuple[Cell, ...]] = [
        (
            item.rank,
            str(item.bid_id),
            item.title,
            item.weighted_score,
            item.value_score,
            item.requested_funding,
            item.cumulative_funding,
            item.inside_line,
            None if item.rank_range is None else item.rank_range[0],
            None if item.rank_range is None else item.rank_range[1],
            item.p_above_line,
            item.moderated,
        )
        for item in ranking.items
    ]
    return RANKING_COLUMNS, rows
