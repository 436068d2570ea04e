"""The `bpv` command against a configured database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.settings import Settings, get_settings


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("BPV_DATABASE_URL", url)
    monkeypatch.setenv("BPV_SECRET_KEY", "cli-secret")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_keys_create_prints_a_working_key_alone_on_the_last_line(database_file: str) -> None:
    result = CliRunner().invoke(cli, ["keys", "create", "--role", "admin", "--name", "ops"])

    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    settings = Settings(database_url=database_file, secret_key="cli-secret")
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/footprints", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_a_key_with_the_wrong_scope_is_refused(database_file: str) -> None:
    result = CliRunner().invoke(
        cli, ["keys", "create", "--role", "programme_office", "--name", "x"]
    )

    assert result.exit_code == 2
    assert "footprint_id" in result.output
