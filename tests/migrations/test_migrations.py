"""Migrations form one linear chain and build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
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
