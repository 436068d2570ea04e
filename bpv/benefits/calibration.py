"""Reference-class calibration: how optimistic past predictions were, by group."""

from __future__ import annotations

from collections.abc import Sequence

from bpv import benefits as b


def calibrate(
    outturns: Sequence[b.BidOutturn], *, min_bids: int, min_periods: int
) -> tuple[b.CalibrationFactor, ...]:
    raise NotImplementedError
