"""`bpv migrate` says what it did to the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from app.cli import cli
from app.migrate import alembic_config, upgrade
from app.settings import get_settings

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "var" / "bpv.db"
    monkeypatch.setenv("BPV_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_a_new_database_is_created_and_migrated_to_the_latest_revision(database_file: Path) -> None:
    result = CliRunner().invoke(cli, ["migrate"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"created {database_file} and migrated it to revision {HEAD}"


def test_an_up_to_date_database_is_already_at_the_latest_revision(database_file: Path) -> None:
    CliRunner().invoke(cli, ["migrate"])
    result = CliRunner().invoke(cli, ["migrate"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"already at revision {HEAD}"


def test_an_older_database_is_told_both_revisions(database_file: Path) -> None:
    upgrade(f"sqlite:///{database_file}", "0002")
    result = CliRunner().invoke(cli, ["migrate"])

    assert result.output.strip() == f"migrated from revision 0002 to {HEAD}"
