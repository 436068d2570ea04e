"""What benefits tracking reads of funded bids: the decided version and its hypotheses, the
current measurements and spend. One query per kind for any number of bids."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import NamedTuple, TypeVar

from sqlalchemy import ColumnElement, String, and_, select, type_coerce
from sqlalchemy.orm import Session

from app.tables import (
    Bid,
    BidVersion,
    Decision,
    Hypothesis,
    Measurement,
    OutboxEvent,
    Round,
    Spend,
)
from bpv.lifecycle import FUNDED

T = TypeVar("T")

# Bids per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


class MeasurementRow(NamedTuple):
    bid_id: uuid.UUID
    hypothesis_id: uuid.UUID | None
    indicator_name: str
    period_start: dt.date
    period_end: dt.date
    value: float


class SpendRow(NamedTuple):
    bid_id: uuid.UUID
    cost_line_id: uuid.UUID
    year: int
    amount: float
    created_at: dt.datetime


class FundedBid(NamedTuple):
    """A funded bid with the version its decision was taken on."""

    bid: Bid
    version: BidVersion


class BenefitRows(NamedTuple):
    funded: list[FundedBid]
    hypotheses: dict[uuid.UUID, list[Hypothesis]]  # by bid version id
    measurements: dict[uuid.UUID, list[MeasurementRow]]  # by bid id
    spend: dict[uuid.UUID, list[SpendRow]]  # by bid id
    rounds: dict[uuid.UUID, Round]


class BenefitsData:
    def __init__(self, session: Session) -> None:
        self.session = session

    def funded(self, condition: ColumnElement[bool]) -> list[FundedBid]:
        """Funded bids meeting `condition` (on `Bid`), each with its decided version, oldest
        bid first."""
        stmt = (
            select(Bid, BidVersion)
            .join(Decision, Decision.bid_id == Bid.id)
            .join(
                BidVersion,
                and_(BidVersion.bid_id == Bid.id, BidVersion.number == Decision.bid_version),
            )
            .where(Bid.status.in_(list(FUNDED)), condition)
            .order_by(Bid.created_at, Bid.id)
        )
        return [FundedBid(bid, version) for bid, version in self.session.execute(stmt)]

    def rows(self, funded: list[FundedBid]) -> BenefitRows:
        """Everything tracking needs of `funded`: its hypotheses, its current (not superseded)
        measurements and spend, its rounds."""
        bid_ids = [f.bid.id for f in funded]
        version_ids = [f.version.id for f in funded]
        hypotheses: dict[uuid.UUID, list[Hypothesis]] = defaultdict(list)
        for ids in _chunks(version_ids):
            stmt = (
                select(Hypothesis)
                .where(Hypothesis.bid_version_id.in_(ids))
                .order_by(Hypothesis.bid_version_id, Hypothesis.ordinal)
            )
            for row in self.session.scalars(stmt):
                hypotheses[row.bid_version_id].append(row)
        measurements: dict[uuid.UUID, list[MeasurementRow]] = defaultdict(list)
        spend: dict[uuid.UUID, list[SpendRow]] = defaultdict(list)
        for ids in _chunks(bid_ids):
            # A bid's history can be 100,000 rows: its two ids come as the driver gives them
            # and are converted once per distinct value, not once per row.
            m = select(
                type_coerce(Measurement.bid_id, String),
                type_coerce(Measurement.hypothesis_id, String),
                Measurement.indicator_name,
                Measurement.period_start,
                Measurement.period_end,
                Measurement.value,
            ).where(Measurement.bid_id.in_(ids), Measurement.superseded_at.is_(None))
            for bid, hypothesis, name, start, end, value in self.session.execute(m):
                measured = MeasurementRow(_uuid(bid), as_uuid(hypothesis), name, start, end, value)
                measurements[measured.bid_id].append(measured)
            s = select(
                Spend.bid_id, Spend.cost_line_id, Spend.year, Spend.amount, Spend.created_at
            ).where(Spend.bid_id.in_(ids))
            for srow in self.session.execute(s.where(Spend.superseded_at.is_(None))):
                spend[srow.bid_id].append(SpendRow._make(srow))
        round_ids = sorted({f.bid.round_id for f in funded})
        rounds = {
            row.id: row
            for ids in _chunks(round_ids)
            for row in self.session.scalars(select(Round).where(Round.id.in_(ids)))
        }
        return BenefitRows(funded, hypotheses, measurements, spend, rounds)

    def has_measurements(self, bid_id: uuid.UUID) -> bool:
        stmt = select(Measurement.id).where(Measurement.bid_id == bid_id).limit(1)
        return self.session.scalar(stmt) is not None

    def published(self, dedup_keys: list[str]) -> set[str]:
        """Which of `dedup_keys` the outbox already holds."""
        found: set[str] = set()
        for keys in _chunks(dedup_keys):
            stmt = select(OutboxEvent.dedup_key).where(OutboxEvent.dedup_key.in_(keys))
            found |= {key for key in self.session.scalars(stmt) if key is not None}
        return found


@functools.lru_cache(maxsize=4096)
def _uuid(raw: str | uuid.UUID) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(raw)


def as_uuid(raw: str | uuid.UUID | None) -> uuid.UUID | None:
    """A UUID from its stored form: 32 hex digits on SQLite, the driver's UUID on PostgreSQL."""
    return None if raw is None else _uuid(raw)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
