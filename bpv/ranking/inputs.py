"""What a round's ranking takes: each bid's counted scores and returns, and how weights are drawn
to test the ranking's stability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bpv.appraisal.validation import require_finite, require_int
from bpv.errors import InvalidInput
from bpv.scoring import AssessorScores, ComputedScore, ReturnFigures

MAX_DRAWS = 10_000
MAX_STABILITY_CELLS = 5_000_000
"""Bids x draws in one stability run: the ranks of every bid in every draw are held at once."""
MAX_SEED = 2**53 - 1
"""The largest seed a JSON number carries exactly."""


@dataclass(frozen=True)
class BidToRank:
    """A bid as the ranking sees it.

    `assessments` are the counted assessors only (the caller drops conflicted ones);
    `computed` the computed criteria's values by criterion key; `moderated_score` the chair's
    weighted score on the framework's weighted scale, or None; `returns.requested_funding` is
    also what the funding line sums.
    """

    bid_id: str
    assessments: tuple[AssessorScores, ...]
    computed: Mapping[str, ComputedScore]
    moderated_score: float | None
    returns: ReturnFigures


@dataclass(frozen=True)
class StabilitySettings:
    """`draws` weight draws, each weight multiplied by an independent U(1 - spread, 1 + spread)
    factor and the weights renormalised to sum to 1; the same seed gives the same draws."""

    draws: int = 1000
    spread: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= require_int(self.draws, "draws") <= MAX_DRAWS:
            raise InvalidInput(f"draws must be from 1 to {MAX_DRAWS:,}", "draws")
        if not 0.0 <= require_finite(self.spread, "spread") < 1.0:
            raise InvalidInput("spread must be at least 0 and below 1", "spread")
        if not 0 <= require_int(self.seed, "seed") <= MAX_SEED:
            raise InvalidInput(f"seed must be from 0 to {MAX_SEED}", "seed")
