"""Realised against predicted for one hypothesis, and a bid's benefits to date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bpv import benefits as b
from bpv.hypotheses import SuccessHypothesis


def track(
    hypothesis_id: str,
    hypothesis: SuccessHypothesis,
    observations: Sequence[b.Observation],
    settings: b.TrackingSettings,
    today: dt.date,
) -> b.IndicatorTrack:
    raise NotImplementedError


def bid_benefits(tracks: Sequence[b.IndicatorTrack], spend: Sequence[b.SpendLine]) -> b.BidBenefits:
    raise NotImplementedError
