"""Alerts that benefits tracking raises: verdicts that turn off track or refuted when
measurements arrive, and periods whose measurement is missing.

Each is written to the webhook outbox in the caller's transaction, so an alert is sent only
for a change that committed. The bids are read one query per kind of row, however many.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import true
from sqlalchemy.orm import Session

from app.repositories.benefits import BenefitsData
from app.services import outbox
from app.services.benefits import BidReport, reports
from app.services.benefits import today as current_date
from app.tables import Bid
from bpv.benefits import IndicatorTrack, Verdict

# The verdict a hypothesis turns to, and the event that says so.
ALERTS = {Verdict.OFF_TRACK: "benefit.off_track", Verdict.REFUTED: "hypothesis.refuted"}
MISSING = "measurement.missing"

Verdicts = dict[tuple[uuid.UUID, str], str]


def verdicts_before(session: Session, bid_ids: list[uuid.UUID]) -> Verdicts:
    """Each (bid, hypothesis stable id)'s verdict now, before a batch is stored."""
    return {key: str(t.verdict.verdict) for key, (_, t) in _tracks(session, bid_ids).items()}


def alert_changes(session: Session, bid_ids: list[uuid.UUID], before: Verdicts) -> None:
    """After a batch is stored (same transaction): publish `benefit.off_track` and
    `hypothesis.refuted` for each hypothesis whose verdict has just become one of them."""
    session.flush()
    for key, (report, t) in _tracks(session, bid_ids).items():
        verdict = t.verdict.verdict
        if verdict in ALERTS and before.get(key) != verdict:
            outbox.publish(
                session,
                ALERTS[verdict],
                verdict_payload(report, t),
                footprint_id=report.bid.footprint_id,
                round_id=report.bid.round_id,
            )


def verdict_payload(report: BidReport, t: IndicatorTrack) -> dict[str, Any]:
    return {
        "bid_id": str(report.bid.id),
        "hypothesis_id": t.hypothesis_id,
        "indicator": t.indicator,
        "verdict": str(t.verdict.verdict),
        "rule": t.verdict.rule,
        "figures": dict(t.verdict.figures),
        "as_of": report.as_of.isoformat(),
    }


def scan_missing(session: Session, today: dt.date) -> int:
    """Publish `measurement.missing` once for each funded bid's period that has ended beyond
    the grace without a measurement; returns how many were published."""
    due: dict[str, tuple[BidReport, dict[str, Any]]] = {}
    for report in reports(session, true(), today):
        for t in report.tracks:
            for period in t.periods:
                if not period.missing:
                    continue
                key = (
                    f"{MISSING}:{report.bid.id}:{t.hypothesis_id}:"
                    f"{period.period_start.isoformat()}:{period.period_end.isoformat()}"
                )
                due[key] = (
                    report,
                    {
                        "bid_id": str(report.bid.id),
                        "hypothesis_id": t.hypothesis_id,
                        "indicator": t.indicator,
                        "period_start": period.period_start.isoformat(),
                        "period_end": period.period_end.isoformat(),
                        "grace_days": report.settings.benefits.grace_days,
                    },
                )
    published = 0
    for key in sorted(due.keys() - BenefitsData(session).published(list(due))):
        report, payload = due[key]
        event = outbox.publish(
            session,
            MISSING,
            payload,
            footprint_id=report.bid.footprint_id,
            round_id=report.bid.round_id,
            dedup_key=key,
        )
        published += event is not None
    return published


def _tracks(
    session: Session, bid_ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], tuple[BidReport, IndicatorTrack]]:
    """Every tracked hypothesis of the funded bids among `bid_ids`, as of today."""
    if not bid_ids:
        return {}
    found = reports(session, Bid.id.in_(sorted(set(bid_ids))), current_date())
    return {(r.bid.id, t.hypothesis_id): (r, t) for r in found for t in r.tracks}
