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
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
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


class Round(Versioned, Base):
    __tablename__ = "rounds"

    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    programme_areas: Mapped[list[Any]]
    # Envelope, criteria, appraisal settings and timeline are stored as documents: they are
    # read whole with the round and validated by the domain before they are stored.
    envelope: Mapped[dict[str, Any] | None]
    criteria: Mapped[list[Any] | None]
    # Rises whenever the criteria change, so a score can name the framework it was made under.
    criteria_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    settings: Mapped[dict[str, Any] | None]
    timeline: Mapped[dict[str, Any] | None]


class ApiKey(Created, Base):
    __tablename__ = "api_keys"

    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    footprint_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("footprints.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )
    revoked_at: Mapped[dt.datetime | None]


class Bid(Versioned, Base):
    """A bid's identity and lifecycle; its content lives in numbered versions."""

    __tablename__ = "bids"

    footprint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("footprints.id"), index=True)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
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


class Hypothesis(Created, Base):
    __tablename__ = "hypotheses"

    bid_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bid_versions.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    indicator_name: Mapped[str] = mapped_column(String(300), index=True)
    body: Mapped[dict[str, Any]]


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
