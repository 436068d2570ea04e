"""The bulk store of measurements and spend writes, straight through the driver, exactly the
rows the ORM reads back, and finds the rows a batch corrects however long the history."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.repositories.measurements import Measurements
from app.tables import Account, Measurement, MeasurementBatch
from tests.app.conftest import World
from tests.app.funded import funded_bids


def new_batch(session: Session) -> MeasurementBatch:
    account = session.scalars(select(Account).where(Account.role == "integration")).one()
    assert account.footprint_id is not None
    batch = MeasurementBatch(
        account_id=account.id,
        footprint_id=account.footprint_id,
        measurement_count=0,
        spend_count=0,
    )
    session.add(batch)
    session.flush()
    return batch


def test_stored_rows_read_back_as_they_were_given(world: World, engine: Engine) -> None:
    (bid,) = funded_bids(world, ["approved"])
    hypothesis = uuid.uuid4()
    when = dt.datetime(2018, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with Session(engine) as session, session.begin():
        batch = new_batch(session)
        rows = [
            {
                "id": uuid.uuid4(),
                "created_at": when,
                "batch_id": batch.id,
                "bid_id": uuid.UUID(bid),
                "hypothesis_id": hypothesis if day % 2 else None,
                "indicator_name": "Emergency admissions",
                "period_start": dt.date(2018, 4, 1) + dt.timedelta(days=day),
                "period_end": dt.date(2018, 4, 1) + dt.timedelta(days=day),
                "value": 1000.5 + day,
                "source": "SUS",
            }
            for day in range(3)
        ]
        Measurements(session).insert(Measurement, rows)

    with Session(engine) as session:
        stored = session.scalars(select(Measurement).order_by(Measurement.period_start)).all()
        read = [{column: getattr(m, column) for column in rows[0]} for m in stored]
    assert read == rows
    assert all(m["created_at"].tzinfo is not None for m in read)


def test_a_correction_is_found_among_a_long_history_by_its_exact_key(
    world: World, engine: Engine
) -> None:
    (bid,) = funded_bids(world, ["approved"])
    start = dt.date(2018, 4, 1)
    with Session(engine) as session, session.begin():
        batch = new_batch(session)
        rows = [
            {
                "id": uuid.uuid4(),
                "created_at": batch.created_at,
                "batch_id": batch.id,
                "bid_id": uuid.UUID(bid),
                "hypothesis_id": None,
                "indicator_name": name,
                "period_start": start + dt.timedelta(days=day),
                "period_end": start + dt.timedelta(days=day),
                "value": 1.0,
                "source": "SUS",
            }
            for day in range(400)
            for name in ("Emergency admissions", "HbA1c")
        ]
        Measurements(session).insert(Measurement, rows)

    day = start + dt.timedelta(days=200)
    with Session(engine) as session:
        found = Measurements(session).current_measurements(
            [
                (uuid.UUID(bid), "HbA1c", day, day, "SUS"),
                (uuid.UUID(bid), "HbA1c", day, day, "local"),  # another source: not a correction
                (uuid.UUID(bid), "Emergency admissions", start, day, "SUS"),  # another period
            ]
        )
    (expected,) = [
        r["id"] for r in rows if r["indicator_name"] == "HbA1c" and r["period_start"] == day
    ]
    assert found == [expected]
