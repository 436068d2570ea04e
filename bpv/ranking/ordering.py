"""The order of a ranking: value score descending, then weighted score, then bid id."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

SCORE_DECIMALS = 9
"""Scores equal to this many decimals rank as equal, so that an order never hangs on rounding
error (the same score summed in another order, or under weights that sum to 1 within it)."""


def score_keys(scores: ArrayLike) -> NDArray[np.float64]:
    """Scores as they are compared when ranking."""
    return np.asarray(scores, dtype=np.float64).round(SCORE_DECIMALS)


def rank_order(
    value_scores: Sequence[float], weighted_scores: Sequence[float], bid_ids: Sequence[str]
) -> list[int]:
    """Indices of the bids best first: value score descending, then weighted score descending,
    then bid id ascending."""
    values = score_keys(value_scores).tolist()
    weighted = score_keys(weighted_scores).tolist()
    return sorted(range(len(bid_ids)), key=lambda i: (-values[i], -weighted[i], bid_ids[i]))
