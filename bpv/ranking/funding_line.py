"""The funding line: bids in rank order are funded while their cumulative request fits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FUNDING_TOLERANCE = 0.005
"""Half a penny: requests in pounds and pence that add up to the envelope are at it, whatever
the binary rounding of their sum."""


@dataclass(frozen=True)
class FundingLine:
    envelope: float
    funded_count: int
    funded_total: float


def inside_line(cumulative: NDArray[np.float64], envelope: float) -> NDArray[np.bool_]:
    """Which bids are inside the line, given the cumulative requests in rank order along axis 0
    (one column per ranking): a bid is inside while the cumulative sum through it is at most the
    envelope, and once one bid is outside every later one is too."""
    fits = cumulative <= envelope + FUNDING_TOLERANCE
    inside: NDArray[np.bool_] = np.logical_and.accumulate(fits, axis=0)
    return inside
