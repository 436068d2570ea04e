"""Alerts that benefits tracking raises: verdicts that turn off track or refuted when
measurements arrive, and periods whose measurement is missing."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session


def verdicts_before(session: Session, bid_ids: list[uuid.UUID]) -> dict[tuple[uuid.UUID, str], str]:
    """Each (bid, hypothesis stable id)'s verdict now, before a batch is stored."""
    return {}


def alert_changes(
    session: Session, bid_ids: list[uuid.UUID], before: dict[tuple[uuid.UUID, str], str]
) -> None:
    """After a batch is stored (same transaction): publish `benefit.off_track` and
    `hypothesis.refuted` for each hypothesis whose verdict has just become one of them."""


def scan_missing(session: Session, today: dt.date) -> int:
    """Publish `measurement.missing` once for each funded bid's period that has ended beyond
    the grace without a measurement; returns how many were published."""
    return 0
