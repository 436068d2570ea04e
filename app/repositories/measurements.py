"""Measurements and spend: what a batch is checked against, its bulk store, and the history.

A batch of 10,000 items is checked with a few IN queries and stored with one multi-row insert
per table and at most one UPDATE per table for the rows it corrects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from psycopg import sql
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from app.tables import (
    Bid,
    BidVersion,
    Decision,
    Hypothesis,
    Measurement,
    MeasurementBatch,
    Spend,
)

AnySelect = Select[*tuple[Any, ...]]
# Bound parameters per statement stay well under SQLite's limit (32,766) and PostgreSQL's (65,535).
CHUNK = 10_000
# (bid, indicator) spans OR-ed in one query looking for the rows a batch corrects.
SPANS_PER_QUERY = 100

MeasurementKey = tuple[uuid.UUID, str, dt.date, dt.date, str]  # bid, indicator, period, source
SpendKey = tuple[uuid.UUID, uuid.UUID, int, str]  # bid, cost line, year, source


@dataclass
class FundedBid:
    """What a batch's items are checked against: a bid and its decided version."""

    id: uuid.UUID
    status: str
    decided_version: int | None
    # stable hypothesis id -> indicator name, of the decided version
    hypotheses: dict[uuid.UUID, str] = field(default_factory=dict)
    cost_line_ids: set[uuid.UUID] = field(default_factory=set)

    def hypotheses_naming(self, indicator: str) -> list[uuid.UUID]:
        return self._by_indicator.get(indicator, [])

    @cached_property
    def _by_indicator(self) -> dict[str, list[uuid.UUID]]:
        by_indicator: dict[str, list[uuid.UUID]] = {}
        for stable_id, name in self.hypotheses.items():
            by_indicator.setdefault(name, []).append(stable_id)
        return by_indicator


class Measurements:
    def __init__(self, session: Session) -> None:
        self.session = session

    # What a batch is checked against

    def funded_bids(
        self, footprint_id: uuid.UUID, bid_ids: Collection[uuid.UUID], *, with_cost_lines: bool
    ) -> dict[uuid.UUID, FundedBid]:
        """The footprint's bids among `bid_ids` (others are not there), each with its decided
        version's hypotheses and, `with_cost_lines`, its cost line ids: two or three queries.

        The bid rows are locked, in id order (so two batches never wait on each other in a
        cycle): batches that correct the same rows store one after the other."""
        if not bid_ids:
            return {}
        found: dict[uuid.UUID, FundedBid] = {}
        for chunk in _chunks(list(bid_ids)):
            stmt = (
                select(Bid.id, Bid.status, Decision.bid_version)
                .outerjoin(Decision, Decision.bid_id == Bid.id)
                .where(Bid.id.in_(chunk), Bid.footprint_id == footprint_id)
                .order_by(Bid.id)
                .with_for_update(of=Bid)
            )
            for bid_id, status, version in self.session.execute(stmt):
                found[bid_id] = FundedBid(bid_id, status, version)
        decided = [bid_id for bid_id, bid in found.items() if bid.decided_version is not None]
        for chunk in _chunks(decided):
            hypotheses = (
                select(BidVersion.bid_id, Hypothesis.stable_id, Hypothesis.indicator_name)
                .join(Hypothesis, Hypothesis.bid_version_id == BidVersion.id)
                .join(
                    Decision,
                    (Decision.bid_id == BidVersion.bid_id)
                    & (Decision.bid_version == BidVersion.number),
                )
                .where(BidVersion.bid_id.in_(chunk))
            )
            for bid_id, stable_id, indicator in self.session.execute(hypotheses):
                found[bid_id].hypotheses[stable_id] = indicator  # before any lookup caches them
            if with_cost_lines:
                lines = (
                    select(BidVersion.bid_id, BidVersion.content["cost_lines"])
                    .join(
                        Decision,
                        (Decision.bid_id == BidVersion.bid_id)
                        & (Decision.bid_version == BidVersion.number),
                    )
                    .where(BidVersion.bid_id.in_(chunk))
                )
                for bid_id, cost_lines in self.session.execute(lines):
                    found[bid_id].cost_line_ids = {
                        uuid.UUID(line["id"]) for line in cost_lines or [] if line.get("id")
                    }
        return found

    # Storing a batch

    def add_batch(self, batch: MeasurementBatch) -> MeasurementBatch:
        self.session.add(batch)
        self.session.flush()
        return batch

    def current_measurements(self, keys: Collection[MeasurementKey]) -> list[uuid.UUID]:
        """The current rows that items with these keys correct. Each query asks for the span
        of periods the batch has of each bid's indicator, which the unique index of current
        rows answers however long the bid's history; the keys are matched exactly here."""
        if not keys:
            return []
        spans: dict[tuple[uuid.UUID, str], tuple[dt.date, dt.date]] = {}
        for bid_id, indicator, start, _, _ in keys:
            low, high = spans.get((bid_id, indicator), (start, start))
            spans[(bid_id, indicator)] = (min(low, start), max(high, start))
        columns = select(
            Measurement.id,
            Measurement.bid_id,
            Measurement.indicator_name,
            Measurement.period_start,
            Measurement.period_end,
            Measurement.source,
        ).where(Measurement.superseded_at.is_(None))
        wanted = set(keys)
        found = []
        for chunk in _chunks(list(spans.items()), SPANS_PER_QUERY):
            stmt = columns.where(
                or_(
                    *(
                        (Measurement.bid_id == bid_id)
                        & (Measurement.indicator_name == indicator)
                        & Measurement.period_start.between(low, high)
                        for (bid_id, indicator), (low, high) in chunk
                    )
                )
            )
            found += [row_id for row_id, *key in self.session.execute(stmt) if tuple(key) in wanted]
        return found

    def current_spend(self, keys: Collection[SpendKey]) -> list[uuid.UUID]:
        """The current spend rows that items with these keys correct."""
        if not keys:
            return []
        years = [key[2] for key in keys]
        stmt = select(Spend.id, Spend.bid_id, Spend.cost_line_id, Spend.year, Spend.source).where(
            Spend.superseded_at.is_(None), Spend.year.between(min(years), max(years))
        )
        wanted = set(keys)
        return [
            row_id
            for row_id, *key in self._by_bids(stmt, Spend.bid_id, {key[0] for key in keys})
            if tuple(key) in wanted
        ]

    def supersede(self, table: type[Measurement] | type[Spend], ids: Sequence[uuid.UUID]) -> None:
        """Mark the rows superseded now: one UPDATE (per 10,000 rows)."""
        now = dt.datetime.now(dt.UTC)
        for chunk in _chunks(list(ids)):
            self.session.execute(
                update(table).where(table.id.in_(chunk)).values(superseded_at=now),
                execution_options={"synchronize_session": False},
            )

    def insert(self, table: type[Measurement] | type[Spend], rows: list[dict[str, Any]]) -> None:
        """A bulk insert of plain rows, complete with their ids and times, in the session's
        transaction, straight through the driver: COPY on PostgreSQL (half the time of
        multi-row INSERTs at 10,000 rows), the driver's executemany on SQLite, with each
        value in the form SQLAlchemy itself stores (repeated values converted once)."""
        if not rows:
            return
        connection = self.session.connection()
        columns = list(rows[0])
        driver = connection.connection.driver_connection
        assert driver is not None  # the session's connection is open
        if connection.dialect.name == "postgresql":
            copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.__tablename__),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
            )
            # psycopg adapts each value to its column's type as the ORM's would be (UUIDs,
            # UTC timestamps, dates); the rows hold the driver's own Python types.
            cursor = driver.cursor()
            with cursor, cursor.copy(copy_rows) as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
            return
        others = [column for column in columns if column != "id"]
        insert_rows = (
            f"INSERT INTO {table.__tablename__} ({', '.join(['id', *others])}) "
            f"VALUES ({', '.join('?' * (1 + len(others)))})"
        )
        converted: dict[Any, Any] = {}

        def stored(value: Any) -> Any:
            if value.__class__ in PLAIN:
                return value
            found = converted.get(value)
            if found is None:
                found = converted[value] = sqlite_value(value)
            return found

        values = (  # ids are unique: not worth remembering
            [row["id"].hex, *[stored(row[column]) for column in others]] for row in rows
        )
        cursor = driver.cursor()
        try:
            cursor.executemany(insert_rows, values)
        finally:
            cursor.close()

    def _by_bids(
        self, stmt: AnySelect, column: Any, bid_ids: set[uuid.UUID]
    ) -> Iterable[Sequence[Any]]:
        for chunk in _chunks(list(bid_ids)):
            yield from self.session.execute(stmt.where(column.in_(chunk)))

    # History

    def measurements(
        self, bid_id: uuid.UUID, limit: int, offset: int, *, include_history: bool
    ) -> tuple[list[tuple[Measurement, MeasurementBatch]], int]:
        where = [Measurement.bid_id == bid_id]
        if not include_history:
            where.append(Measurement.superseded_at.is_(None))
        stmt = (
            select(Measurement, MeasurementBatch)
            .join(MeasurementBatch)
            .where(*where)
            .order_by(
                Measurement.indicator_name,
                Measurement.period_start,
                Measurement.period_end,
                Measurement.source,
                Measurement.created_at,
                Measurement.id,
            )
        )
        return self._page(stmt, select(func.count(Measurement.id)).where(*where), limit, offset)

    def spend(
        self, bid_id: uuid.UUID, limit: int, offset: int, *, include_history: bool
    ) -> tuple[list[tuple[Spend, MeasurementBatch]], int]:
        where = [Spend.bid_id == bid_id]
        if not include_history:
            where.append(Spend.superseded_at.is_(None))
        stmt = (
            select(Spend, MeasurementBatch)
            .join(MeasurementBatch)
            .where(*where)
            .order_by(Spend.cost_line_id, Spend.year, Spend.source, Spend.created_at, Spend.id)
        )
        return self._page(stmt, select(func.count(Spend.id)).where(*where), limit, offset)

    def _page(
        self, stmt: AnySelect, count: Select[int], limit: int, offset: int
    ) -> tuple[list[Any], int]:
        rows = [tuple(row) for row in self.session.execute(stmt.limit(limit).offset(offset))]
        return rows, int(self.session.scalar(count) or 0)


PLAIN = frozenset({str, int, float, type(None)})


def sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it on SQLite: UUIDs as 32 hex digits, UTC timestamps and
    dates as ISO text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
