"""Alerts that benefits tracking raises: verdicts that turn off track or refuted when
measurements arrive, and periods whose measurement is missing.

A batch of measurements only marks its bids due for review, so storing it costs the same
however long their history; the worker reviews due bids (many batches, one review) and writes
each alert to the webhook outbox in the transaction that records the verdict it announces.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import true
from sqlalchemy.orm import Session

from app.repositories.benefit_reviews import BenefitReviews
from app.repositories.benefits import BenefitsData
from app.services import outbox
from app.services.benefits import BidReport, reports
from app.tables import Bid, utcnow
from bpv.benefits import IndicatorTrack, Verdict

# The verdict a hypothesis turns to, and the event that says so.
ALERTS = {Verdict.OFF_TRACK: "benefit.off_track", Verdict.REFUTED: "hypothesis.refuted"}
MISSING = "measurement.missing"
# Bids reviewed in one transaction: a review reads every current measurement of its bids.
REVIEWS_PER_STEP = 20


def mark_due(session: Session, bid_ids: list[uuid.UUID]) -> None:
    """A batch has been stored for these bids (same transaction): they wait for review."""
    BenefitReviews(session).mark_due(bid_ids, utcnow())


@dataclass(frozen=True)
class Review:
    """What a review found of one bid: each hypothesis's verdict, and the alert each would
    raise were its verdict new."""

    bid_id: uuid.UUID
    marks: int  # the bid's count of batches when it was read
    footprint_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    alerts: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def examine(session: Session, today: dt.date, limit: int = REVIEWS_PER_STEP) -> list[Review]:
    """Track up to `limit` bids that measurements reached since their last review, longest
    waiting first. It only reads: on SQLite it holds no write lock while it tracks."""
    due = BenefitReviews(session).due(limit)
    if not due:
        return []
    found = {r.bid.id: r for r in reports(session, Bid.id.in_(sorted(due)), today)}
    reviews = []
    for bid_id, marks in due.items():
        report = found.get(bid_id)
        if report is None:  # no longer funded: not tracked, so nothing to review
            reviews.append(Review(bid_id, marks))
            continue
        reviews.append(
            Review(
                bid_id,
                marks,
                report.bid.footprint_id,
                report.bid.round_id,
                verdicts={t.hypothesis_id: str(t.verdict.verdict) for t in report.tracks},
                alerts={
                    t.hypothesis_id: (ALERTS[t.verdict.verdict], verdict_payload(report, t))
                    for t in report.tracks
                    if t.verdict.verdict in ALERTS
                },
            )
        )
    return reviews


def record(session: Session, reviews: list[Review]) -> int:
    """Store what `examine` found: publish each alert whose verdict differs from the one last
    stored, in the transaction that stores the new verdicts, so a change is alerted once (two
    workers that examined one bid find the other's verdicts once they hold its row). A bid that
    took another batch meanwhile stays due."""
    rows = BenefitReviews(session).lock([r.bid_id for r in reviews])
    now = utcnow()
    for review in reviews:
        row = rows[review.bid_id]
        for hypothesis_id, (event_type, payload) in sorted(review.alerts.items()):
            if row.verdicts.get(hypothesis_id) != payload["verdict"]:
                outbox.publish(
                    session,
                    event_type,
                    payload,
                    footprint_id=review.footprint_id,
                    round_id=review.round_id,
                )
        row.verdicts = review.verdicts
        row.reviewed_at = now
        if row.marks == review.marks:
            row.due_at = None
    return len(reviews)


def review_due(session: Session, today: dt.date, limit: int = REVIEWS_PER_STEP) -> int:
    """`examine` and `record` in one transaction (the demo's load and the tests); how many
    bids were reviewed."""
    return record(session, examine(session, today, limit))


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


@dataclass(frozen=True)
class Missing:
    """A `measurement.missing` alert due, under the key that keeps it from being sent twice."""

    dedup_key: str
    payload: dict[str, Any]
    footprint_id: uuid.UUID
    round_id: uuid.UUID


def find_missing(session: Session, today: dt.date) -> list[Missing]:
    """Each funded bid's period that has ended beyond the grace without a measurement, and
    has not been announced yet. It only reads (it tracks every funded bid)."""
    due: dict[str, Missing] = {}
    for report in reports(session, true(), today):
        for t in report.tracks:
            for period in t.periods:
                if not period.missing:
                    continue
                start, end = period.period_start.isoformat(), period.period_end.isoformat()
                key = f"{MISSING}:{report.bid.id}:{t.hypothesis_id}:{start}:{end}"
                payload = {
                    "bid_id": str(report.bid.id),
                    "hypothesis_id": t.hypothesis_id,
                    "indicator": t.indicator,
                    "period_start": start,
                    "period_end": end,
                    "grace_days": report.settings.benefits.grace_days,
                }
                due[key] = Missing(key, payload, report.bid.footprint_id, report.bid.round_id)
    announced = BenefitsData(session).published(list(due))
    return [due[key] for key in sorted(due.keys() - announced)]


def publish_missing(session: Session, found: list[Missing]) -> int:
    """Publish what `find_missing` found, once per key (one announced meanwhile is skipped);
    how many were published."""
    published = 0
    for missing in found:
        event = outbox.publish(
            session,
            MISSING,
            missing.payload,
            footprint_id=missing.footprint_id,
            round_id=missing.round_id,
            dedup_key=missing.dedup_key,
        )
        published += event is not None
    return published


def scan_missing(session: Session, today: dt.date) -> int:
    """`find_missing` and `publish_missing` in one transaction (the demo's load and the
    tests); how many were published."""
    return publish_missing(session, find_missing(session, today))
