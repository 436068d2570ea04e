"""`bpv worker`: reviews the verdicts of bids that new measurements reached, delivers the
outbox's webhooks and looks for missing measurements, until stopped.

Several workers may run at once: each leases the deliveries it claims, so none sends what
another is sending; a worker that dies leaves leases that run out, and another worker sends
them again (at-least-once; the unchanged `webhook-id` lets a receiver drop the repeat).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import httpx
from sqlalchemy import Engine

from app.db import make_engine, make_sessionmaker
from app.repositories.webhooks import WebhookDeliveries
from app.services import benefit_alerts
from app.services.webhooks_delivery import USER_AGENT, RetrySchedule, claim, record, release, send
from app.settings import Settings
from app.tables import utcnow

logger = logging.getLogger(__name__)


class Worker:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        worst_batch = settings.worker_batch_size * settings.webhook_timeout_seconds
        if settings.webhook_lease_seconds <= worst_batch:
            raise ValueError(
                f"BPV_WEBHOOK_LEASE_SECONDS ({settings.webhook_lease_seconds:g}) must exceed "
                f"BPV_WORKER_BATCH_SIZE x BPV_WEBHOOK_TIMEOUT_SECONDS ({worst_batch:g}): a "
                "batch whose receivers all time out would outlast its lease"
            )
        self.settings = settings
        self._own_engine = engine is None
        self.engine = engine or make_engine(settings.database_url, settings)
        self.sessions = make_sessionmaker(self.engine)
        self.reads = make_sessionmaker(self.engine, reads_only=True)
        self.schedule = RetrySchedule(
            settings.webhook_retry_base_seconds, settings.webhook_retry_cap_seconds
        )
        self.failure_window = dt.timedelta(seconds=settings.webhook_failure_window_seconds)
        self.client = httpx.Client(
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
        )
        self.stopping = threading.Event()
        self._next_scan = time.monotonic()

    def stop(self) -> None:
        """Stop after the request in flight (if any); leased deliveries not yet sent are
        handed back."""
        self.stopping.set()

    def run(self) -> None:
        logger.info("worker started")
        while not self.stopping.is_set():
            try:
                self.scan_if_due()
                done = self.review_due() + self.deliver_due()
            except Exception:
                logger.exception("worker step failed; trying again")
                done = 0
            if done == 0:
                self.stopping.wait(self.settings.worker_poll_seconds)
        logger.info("worker stopped")

    def deliver_due(self) -> int:
        """Claim one batch of due deliveries and send it; how many were claimed."""
        now = utcnow()
        # A look without the write lock first: on SQLite an idle worker never takes it.
        with self.reads.begin() as session:
            if not WebhookDeliveries(session).any_due(now):
                return 0
        with self.sessions.begin() as session:
            claimed = claim(
                session, now, self.settings.webhook_lease_seconds, self.settings.worker_batch_size
            )
        for i, item in enumerate(claimed):
            if self.stopping.is_set():
                with self.sessions.begin() as session:
                    release(session, claimed[i:], utcnow())
                break
            outcome = send(self.client, item)
            with self.sessions.begin() as session:
                record(session, item, outcome, utcnow(), self.schedule, self.failure_window)
            if outcome.error is not None:
                logger.info(
                    "delivery %s to %s failed: %s", item.delivery_id, item.url, outcome.error
                )
        return len(claimed)

    def review_due(self) -> int:
        """Review one batch of bids that measurements have reached since their last review,
        publishing the alerts their changed verdicts call for; how many were reviewed."""
        with self.reads.begin() as session:  # tracking reads a bid's whole history
            reviews = benefit_alerts.examine(session, utcnow().date())
        if not reviews:
            return 0
        with self.sessions.begin() as session:  # a short write, whatever that history
            return benefit_alerts.record(session, reviews)

    def scan_if_due(self) -> None:
        """Publish alerts for missing measurements, every `missing_scan_seconds`."""
        if time.monotonic() < self._next_scan:
            return
        self._next_scan = time.monotonic() + self.settings.missing_scan_seconds
        with self.reads.begin() as session:  # tracking every funded bid takes no write lock
            missing = benefit_alerts.find_missing(session, utcnow().date())
        with self.sessions.begin() as session:
            published = benefit_alerts.publish_missing(session, missing)
        if published:
            logger.info("published %d measurement.missing alerts", published)

    def close(self) -> None:
        self.client.close()
        if self._own_engine:
            self.engine.dispose()
