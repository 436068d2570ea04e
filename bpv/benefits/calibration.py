"""Reference-class calibration: how optimistic past predictions were, by group."""

from __future__ import annotations

from collections.abc import Sequence

from bpv.benefits.model import BidOutturn, CalibrationFactor


def calibrate(
    outturns: Sequence[BidOutturn], *, min_bids: int = 3, min_periods: int = 6
) -> tuple[CalibrationFactor, ...]:
    raise NotImplementedError
