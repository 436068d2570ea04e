"""Which step each bid and round status allows."""

from __future__ import annotations

import pytest

from bpv.errors import InvalidTransition
from bpv.lifecycle import (
    BidStatus,
    RoundStatus,
    delivery_closed,
    delivery_started,
    revised,
    round_moved,
    submitted,
    withdrawn,
)


def test_a_bid_runs_from_draft_to_closed() -> None:
    status = submitted(BidStatus.DRAFT)
    assert revised(status) is BidStatus.DRAFT
    for approved in (BidStatus.APPROVED, BidStatus.APPROVED_WITH_CONDITIONS):
        assert delivery_closed(delivery_started(approved)) is BidStatus.CLOSED


@pytest.mark.parametrize(
    "status",
    [s for s in BidStatus if s not in (BidStatus.APPROVED, BidStatus.APPROVED_WITH_CONDITIONS)],
)
def test_only_an_approved_bid_goes_into_delivery(status: BidStatus) -> None:
    with pytest.raises(InvalidTransition):
        delivery_started(status)


@pytest.mark.parametrize("status", [s for s in BidStatus if s is not BidStatus.IN_DELIVERY])
def test_only_a_bid_in_delivery_closes(status: BidStatus) -> None:
    with pytest.raises(InvalidTransition):
        delivery_closed(status)


@pytest.mark.parametrize(
    "status", [BidStatus.DRAFT, BidStatus.SUBMITTED, BidStatus.UNDER_ASSESSMENT]
)
def test_a_bid_is_withdrawn_only_before_a_decision(status: BidStatus) -> None:
    assert withdrawn(status) is BidStatus.WITHDRAWN
    with pytest.raises(InvalidTransition):
        withdrawn(BidStatus.REJECTED)


def test_a_round_moves_one_step_forward_at_a_time() -> None:
    assert round_moved(RoundStatus.DRAFT, RoundStatus.OPEN) is RoundStatus.OPEN
    assert round_moved(RoundStatus.OPEN, RoundStatus.CLOSED) is RoundStatus.CLOSED
    assert round_moved(RoundStatus.CLOSED, RoundStatus.DECIDED) is RoundStatus.DECIDED
    for current, target in [
        (RoundStatus.DRAFT, RoundStatus.CLOSED),
        (RoundStatus.OPEN, RoundStatus.DECIDED),
        (RoundStatus.CLOSED, RoundStatus.OPEN),
    ]:
        with pytest.raises(InvalidTransition):
            round_moved(current, target)
