"""ORM tables. They store the domain; the API's shapes live in app/schemas."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# One naming convention so Alembic names constraints identically on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dict[str, Any]: JSON,
        list[Any]: JSON,
        dt.datetime: UtcDateTime,
    }


class Created:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Versioned(Created):
    """A mutable row: `version` rises on every update, which checks it (an optimistic lock)."""

    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


organisation_footprints = Table(
    "organisation_footprints",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("footprint_id", ForeignKey("footprints.id", ondelete="CASCADE"), primary_key=True),
)


class Footprint(Versioned, Base):
    __tablename__ = "footprints"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    population: Mapped[int] = mapped_column(BigInteger)


class Organisation(Versioned, Base):
    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    footprints: Mapped[list[Footprint]] = relationship(
        secondary=organisation_footprints, lazy="selectin", order_by=Footprint.code
    )


class CriteriaFramework(Created, Base):
    """One immutable version of a round's criteria framework."""

    __tablename__ = "criteria_frameworks"
    __table_args__ = (UniqueConstraint("round_id", "version"),)

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[list[Any]]


class RoundSettingsVersion(Created, Base):
    """One immutable version of a round's appraisal settings."""

    __tablename__ = "round_settings"
    __table_args__ = (UniqueConstraint("round_id", "version"),)

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    settings: Mapped[dict[str, Any]]


class Round(Versioned, Base):
    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_created_at_id", "created_at", "id"),)

    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    programme_areas: Mapped[list[Any]]
    # Envelope and timeline are documents read whole with the round, checked before they are
    # stored; the criteria framework and settings are immutable versions (tables above), the
    # round naming the current ones.
    envelope: Mapped[dict[str, Any] | None]
    timeline: Mapped[dict[str, Any] | None]
    criteria_version: Mapped[int] = mapped_column(Integer)
    settings_version: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime | None]
    # The current versions; a service that moves a version number expires these.
    framework: Mapped[CriteriaFramework] = relationship(
        primaryjoin="and_(foreign(CriteriaFramework.round_id) == Round.id, "
        "foreign(CriteriaFramework.version) == Round.criteria_version)",
        viewonly=True,
        uselist=False,
        lazy="selectin",
    )
    appraisal_settings: Mapped[RoundSettingsVersion] = relationship(
        primaryjoin="and_(foreign(RoundSettingsVersion.round_id) == Round.id, "
        "foreign(RoundSettingsVersion.version) == Round.settings_version)",
        viewonly=True,
        uselist=False,
        lazy="selectin",
    )


class Account(Created, Base):
    """The person or system behind keys: what it did stays its own when its keys change.

    Its role and scope (a footprint, or the round it is a panel member of) are its keys'.
    """

    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    footprint_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("footprints.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )


class ApiKey(Created, Base):
    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_created_at_id", "created_at", "id"),)

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(300))
    revoked_at: Mapped[dt.datetime | None]
    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)


class Bid(Versioned, Base):
    """A bid's identity and lifecycle; its content lives in numbered versions."""

    __tablename__ = "bids"
    # Lists go oldest first, after a cursor on (created_at, id): an administrator's over every
    # bid, a programme office's within its footprint, a panel's within its round.
    __table_args__ = (
        Index("ix_bids_created_at_id", "created_at", "id"),
        Index("ix_bids_footprint_id_created_at_id", "footprint_id", "created_at", "id"),
        Index("ix_bids_round_id_created_at_id", "round_id", "created_at", "id"),
    )

    footprint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("footprints.id"))
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"))
    status: Mapped[str] = mapped_column(String(30), index=True)
    current_version: Mapped[int] = mapped_column(Integer)
    versions: Mapped[list[BidVersion]] = relationship(
        back_populates="bid", order_by="BidVersion.number", lazy="raise"
    )


class BidVersion(Versioned, Base):
    """One version of a bid's content; frozen once submitted (`submitted_at` set)."""

    __tablename__ = "bid_versions"
    __table_args__ = (UniqueConstraint("bid_id", "number"),)

    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    programme_area: Mapped[str] = mapped_column(String(300))
    lead_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    intervention: Mapped[str | None] = mapped_column(Text)
    content: Mapped[dict[str, Any]]
    logic_model: Mapped[dict[str, Any]]
    submitted_at: Mapped[dt.datetime | None]
    bid: Mapped[Bid] = relationship(back_populates="versions", lazy="raise")
    partners: Mapped[list[BidPartner]] = relationship(
        order_by="BidPartner.position", lazy="selectin", cascade="all, delete-orphan"
    )


class BidPartner(Base):
    """A partner organisation of one bid version (the lead is the version's own column)."""

    __tablename__ = "bid_partners"

    bid_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bid_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)


class Hypothesis(Created, Base):
    """One version's copy of a success hypothesis. `stable_id` is the hypothesis's identity
    across the bid's versions (the API's `id`): measurements and verdicts attach to it."""

    __tablename__ = "hypotheses"
    __table_args__ = (UniqueConstraint("bid_version_id", "stable_id"),)

    bid_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bid_versions.id", ondelete="CASCADE"), index=True
    )
    stable_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    indicator_name: Mapped[str] = mapped_column(String(300), index=True)
    body: Mapped[dict[str, Any]]


class WebSession(Created, Base):
    """A signed-in browser: the pages' session, kept on the server behind an opaque cookie.

    Only a digest of the cookie's token is stored. It acts through the key it was opened with,
    so revoking that key ends it; it ends at `expires_at` or when its holder signs out.
    """

    __tablename__ = "web_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[dt.datetime]


class IdempotencyRecord(Created, Base):
    """The response a POST gave for a client's Idempotency-Key, replayed when it retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)

    api_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None]


class AppraisalSnapshot(Created, Base):
    """A submitted bid version's appraisal as the panel saw it, with what it was computed under.

    The figures that rank bids are columns; `document` is the whole appraisal as it was shown.
    """

    __tablename__ = "appraisal_snapshots"

    bid_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bid_versions.id", ondelete="CASCADE"), unique=True
    )
    method_version: Mapped[str] = mapped_column(String(40))
    criteria_version: Mapped[int] = mapped_column(Integer)
    settings_version: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    base_year: Mapped[int | None] = mapped_column(Integer)
    pv_costs: Mapped[float | None] = mapped_column(Double)
    pv_benefits: Mapped[float | None] = mapped_column(Double)
    npsv: Mapped[float | None] = mapped_column(Double)
    bcr: Mapped[float | None] = mapped_column(Double)
    cash_releasing_roi: Mapped[float | None] = mapped_column(Double)
    qalys: Mapped[float | None] = mapped_column(Double)  # discounted, as the appraisal gives them
    requested_funding: Mapped[float] = mapped_column(Double)
    quality_score: Mapped[float] = mapped_column(Double)
    computed: Mapped[list[Any]]
    document: Mapped[dict[str, Any]]


class Conflict(Created, Base):
    """A panel member's declared conflict of interest with a footprint or an organisation."""

    __tablename__ = "conflicts"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    footprint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("footprints.id"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str] = mapped_column(Text)


class Assessment(Created, Base):
    """One assessor's scores of one bid; a re-score supersedes it (`superseded_at`), kept."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index(
            "uq_assessments_current",
            "bid_id",
            "account_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        Index("ix_assessments_round_id_created_at_id", "round_id", "created_at", "id"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"))
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), index=True)
    bid_version: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    criteria_version: Mapped[int] = mapped_column(Integer)
    superseded_at: Mapped[dt.datetime | None]
    scores: Mapped[list[AssessmentScore]] = relationship(
        order_by="AssessmentScore.position", lazy="selectin", cascade="all, delete-orphan"
    )


class AssessmentScore(Base):
    __tablename__ = "assessment_scores"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Double)
    comment: Mapped[str | None] = mapped_column(Text)


class Moderation(Created, Base):
    """The chair's moderated weighted score of a bid, beside the assessors' (never over them)."""

    __tablename__ = "moderations"
    __table_args__ = (
        Index(
            "uq_moderations_current",
            "bid_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    score: Mapped[float] = mapped_column(Double)
    reason: Mapped[str] = mapped_column(Text)
    criteria_version: Mapped[int] = mapped_column(Integer)
    superseded_at: Mapped[dt.datetime | None]


class PortfolioRun(Created, Base):
    """One run of a round's portfolio selection, never changed: the problem exactly as it was
    solved (its options built from the bids, budget, share limits and settings), and the answer."""

    __tablename__ = "portfolio_runs"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    objective: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    solver_name: Mapped[str] = mapped_column(String(100))
    solver_version: Mapped[str] = mapped_column(String(100))
    gap_tolerance: Mapped[float] = mapped_column(Double)
    request: Mapped[dict[str, Any]]
    answer: Mapped[dict[str, Any]]


class Decision(Created, Base):
    """The chair's decision on a bid: never changed or deleted (one per bid)."""

    __tablename__ = "decisions"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), unique=True)
    bid_version: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appraisal_snapshots.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    outcome: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text)
    conditions: Mapped[list[Any]]
    portfolio_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("portfolio_runs.id"))
    criteria_version: Mapped[int] = mapped_column(Integer)
    settings_version: Mapped[int] = mapped_column(Integer)
    ranking: Mapped[dict[str, Any]]


class MeasurementBatch(Created, Base):
    """One accepted `POST /v1/measurements`: who sent it, with which key (provenance)."""

    __tablename__ = "measurement_batches"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    footprint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("footprints.id"), index=True)
    measurement_count: Mapped[int] = mapped_column(Integer)
    spend_count: Mapped[int] = mapped_column(Integer)


class Measurement(Created, Base):
    """A realised indicator value for a period. A correction (same bid, indicator, period and
    source) supersedes the current row, which is kept (`superseded_at`)."""

    __tablename__ = "measurements"
    __table_args__ = (
        Index(
            "uq_measurements_current",
            "bid_id",
            "indicator_name",
            "period_start",
            "period_end",
            "source",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("measurement_batches.id"), index=True)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), index=True)
    hypothesis_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # a hypothesis's stable id
    indicator_name: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    value: Mapped[float] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(300))
    superseded_at: Mapped[dt.datetime | None]


class Spend(Created, Base):
    """Actual spend on a cost line (its stable id) in a financial year; corrected like a
    measurement (same bid, line, year and source)."""

    __tablename__ = "spend"
    __table_args__ = (
        Index(
            "uq_spend_current",
            "bid_id",
            "cost_line_id",
            "year",
            "source",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("measurement_batches.id"), index=True)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), index=True)
    cost_line_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Double)
    source: Mapped[str] = mapped_column(String(300))
    superseded_at: Mapped[dt.datetime | None]


class BenefitReview(Base):
    """A funded bid's verdicts as last reviewed, and since when measurements have waited for
    the next review (`due_at`, null when none wait). A batch marks its bids due in its own
    transaction and counts itself in `marks`; the worker reviews due bids, alerts on the
    verdicts that changed, and clears `due_at` only if no batch came while it tracked."""

    __tablename__ = "benefit_reviews"

    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bids.id"), primary_key=True)
    verdicts: Mapped[dict[str, Any]]  # hypothesis stable id -> verdict, as last reviewed
    due_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    marks: Mapped[int] = mapped_column(Integer)  # batches stored for the bid, ever
    reviewed_at: Mapped[dt.datetime | None]


class WebhookSubscription(Created, Base):
    """An account's alert subscription for a footprint or a round. `failing_since` is set at
    the first failed delivery after a success; a day of failures disables it (with why)."""

    __tablename__ = "webhook_subscriptions"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]]
    footprint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("footprints.id"), index=True)
    round_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool]
    failing_since: Mapped[dt.datetime | None]
    disabled_at: Mapped[dt.datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[dt.datetime | None]


class OutboxEvent(Created, Base):
    """An event, written in the same transaction as the change that caused it. `dedup_key`
    keeps an event that a scan may find again (a missing measurement) from being written twice."""

    __tablename__ = "outbox_events"

    event_type: Mapped[str] = mapped_column(String(60), index=True)
    payload: Mapped[dict[str, Any]]
    footprint_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("footprints.id"))
    round_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rounds.id"))
    dedup_key: Mapped[str | None] = mapped_column(String(300), unique=True)


class WebhookDelivery(Created, Base):
    """One event due to one subscription; the worker claims due rows (FOR UPDATE SKIP LOCKED
    on PostgreSQL) and moves them to delivered or abandoned."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]


class WebhookAttempt(Created, Base):
    """Every attempt to deliver, kept: when, how long, what the receiver answered or why not."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float] = mapped_column(Double)
