"""Lifecycles of bids and funding rounds: which step each status allows.

A bid: draft → submitted → under_assessment → approved | approved_with_conditions | rejected →
in_delivery → closed; withdrawn from any state before a decision. Revising a submitted bid
opens a new draft version.
"""

from __future__ import annotations

from enum import StrEnum

from bpv.errors import InvalidTransition


class BidStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_ASSESSMENT = "under_assessment"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    IN_DELIVERY = "in_delivery"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


PRE_DECISION = frozenset({BidStatus.DRAFT, BidStatus.SUBMITTED, BidStatus.UNDER_ASSESSMENT})
FUNDED = frozenset(
    {
        BidStatus.APPROVED,
        BidStatus.APPROVED_WITH_CONDITIONS,
        BidStatus.IN_DELIVERY,
        BidStatus.CLOSED,
    }
)
# What a panel sees: everything that has been submitted and not withdrawn as a draft.
SUBMITTED_OR_LATER = frozenset(BidStatus) - {BidStatus.DRAFT, BidStatus.WITHDRAWN}


def ensure_editable(status: BidStatus) -> None:
    if status is not BidStatus.DRAFT:
        raise InvalidTransition(f"A {status} bid cannot be edited; revise it to open a new draft.")


def submitted(status: BidStatus) -> BidStatus:
    if status is not BidStatus.DRAFT:
        raise InvalidTransition(f"Only a draft can be submitted; this bid is {status}.")
    return BidStatus.SUBMITTED


def withdrawn(status: BidStatus) -> BidStatus:
    if status not in PRE_DECISION:
        raise InvalidTransition(f"A {status} bid cannot be withdrawn; only before a decision.")
    return BidStatus.WITHDRAWN


def revised(status: BidStatus) -> BidStatus:
    if status is not BidStatus.SUBMITTED:
        raise InvalidTransition(f"Only a submitted bid can be revised; this bid is {status}.")
    return BidStatus.DRAFT


def delivery_started(status: BidStatus) -> BidStatus:
    if status not in (BidStatus.APPROVED, BidStatus.APPROVED_WITH_CONDITIONS):
        raise InvalidTransition(f"Only an approved bid goes into delivery; this bid is {status}.")
    return BidStatus.IN_DELIVERY


def delivery_closed(status: BidStatus) -> BidStatus:
    if status is not BidStatus.IN_DELIVERY:
        raise InvalidTransition(f"Only a bid in delivery can be closed; this bid is {status}.")
    return BidStatus.CLOSED


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    DECIDED = "decided"


_ROUND_ORDER = list(RoundStatus)


def round_moved(current: RoundStatus, target: RoundStatus) -> RoundStatus:
    """A round moves forward only: draft → open → closed → decided (steps may not be skipped)."""
    if _ROUND_ORDER.index(target) != _ROUND_ORDER.index(current) + 1 and target is not current:
        raise InvalidTransition(f"A {current} round cannot move to {target}.")
    return target
