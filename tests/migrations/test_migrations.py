"""Migrations form one linear chain and build exactly the schema the models describe."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect

from app.migrate import alembic_config
from app.tables import Base
from tests.databases import fresh_database


def test_the_migration_chain_is_linear() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revisions = list(scripts.walk_revisions())

    assert len(scripts.get_heads()) == 1
    # Two files with one revision id would hide one of them.
    files = list((Path(scripts.dir) / "versions").glob("[0-9]*.py"))
    assert len(revisions) == len(files)
    assert [r for r in revisions if r.down_revision is None] == [revisions[-1]]
    assert all(isinstance(r.down_revision, str | None) for r in revisions)


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_the_migrated_database_has_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())

    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


@pytest.mark.db
def test_every_migration_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        engine = create_engine(url)
        try:
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        finally:
            engine.dispose()
        command.upgrade(config, "head")
        engine = create_engine(url)
        try:
            assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


class _Tables:
    """The tables of a migrated database as reflected, to insert rows whose every required
    column holds a plain value (ids as UUIDs, whatever the backend stores them as)."""

    PLAIN: tuple[tuple[type, Any], ...] = (
        (sa.DateTime, dt.datetime(2018, 1, 1, tzinfo=dt.UTC)),
        (sa.JSON, {}),
        (sa.Float, 0.0),
        (sa.Integer, 1),
        (sa.String, "x"),
        (sa.Text, "x"),
    )

    def __init__(self, engine: Engine) -> None:
        self.metadata = sa.MetaData()
        self.metadata.reflect(engine)

    def insert(self, connection: sa.Connection, name: str, **given: Any) -> None:
        reflected = self.metadata.tables[name]
        columns, row = [], dict(given)
        for column in reflected.columns:
            is_id = column.name == "id" or column.name.endswith("_id")
            columns.append(sa.column(column.name, sa.Uuid() if is_id else column.type))
            if column.name in row or column.nullable:
                continue
            row[column.name] = (
                uuid.uuid4()
                if is_id
                else next(v for t, v in self.PLAIN if isinstance(column.type, t))
            )
        connection.execute(sa.table(name, *columns).insert().values(**row))


@pytest.mark.db
def test_existing_snapshots_get_their_qalys_from_the_appraisal_they_stored(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0004")
        engine = create_engine(url)
        try:
            tables = _Tables(engine)
            footprint, round_, bid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            with engine.begin() as connection:
                tables.insert(connection, "footprints", id=footprint)
                tables.insert(connection, "rounds", id=round_)
                tables.insert(connection, "bids", id=bid, footprint_id=footprint, round_id=round_)
                documents = {
                    "with": {"appraisal": {"discounted_qalys": 12.5}},
                    "without": {"appraisal": None},
                }
                for number, (name, document) in enumerate(documents.items(), start=1):
                    version = uuid.uuid4()
                    tables.insert(connection, "bid_versions", id=version, bid_id=bid, number=number)
                    tables.insert(
                        connection,
                        "appraisal_snapshots",
                        bid_version_id=version,
                        method_version=name,
                        document=document,
                    )
        finally:
            engine.dispose()

        command.upgrade(config, "head")

        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                stmt = sa.text("SELECT method_version, qalys FROM appraisal_snapshots")
                qalys = {name: value for name, value in connection.execute(stmt)}
        finally:
            engine.dispose()
    assert qalys == {"with": 12.5, "without": None}


@pytest.mark.db
def test_bids_with_measurements_start_due_with_the_verdicts_already_alerted(
    tmp_path: Path,
) -> None:
    with fresh_database(tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0006")
        engine = create_engine(url)
        footprint, round_, account, batch = (uuid.uuid4() for _ in range(4))
        measured, quiet, hypothesis = uuid.uuid4(), uuid.uuid4(), str(uuid.uuid4())
        try:
            tables = _Tables(engine)
            with engine.begin() as connection:
                tables.insert(connection, "footprints", id=footprint)
                tables.insert(connection, "rounds", id=round_)
                for bid in (measured, quiet):
                    tables.insert(
                        connection, "bids", id=bid, footprint_id=footprint, round_id=round_
                    )
                tables.insert(connection, "accounts", id=account, footprint_id=footprint)
                tables.insert(
                    connection,
                    "measurement_batches",
                    id=batch,
                    account_id=account,
                    footprint_id=footprint,
                )
                day = dt.date(2018, 1, 1)
                tables.insert(
                    connection,
                    "measurements",
                    batch_id=batch,
                    bid_id=measured,
                    period_start=day,
                    period_end=day,
                )
                for minutes, verdict in ((1, "off_track"), (2, "refuted")):  # the later counts
                    tables.insert(
                        connection,
                        "outbox_events",
                        event_type={"off_track": "benefit.off_track"}.get(
                            verdict, "hypothesis.refuted"
                        ),
                        payload={
                            "bid_id": str(measured),
                            "hypothesis_id": hypothesis,
                            "verdict": verdict,
                        },
                        created_at=dt.datetime(2018, 1, 1, 0, minutes, tzinfo=dt.UTC),
                    )
        finally:
            engine.dispose()

        command.upgrade(config, "0007")

        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                stmt = sa.select(
                    sa.column("bid_id", sa.Uuid()),
                    sa.column("verdicts", sa.JSON()),
                    sa.column("due_at", sa.DateTime()),
                ).select_from(sa.table("benefit_reviews"))
                reviews = [
                    (bid, verdicts, due is not None)
                    for bid, verdicts, due in connection.execute(stmt)
                ]
        finally:
            engine.dispose()
    assert reviews == [(measured, {hypothesis: "refuted"}, True)]
