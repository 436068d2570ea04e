"""Security headers on every answer, and no serving in production with the development secret."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.settings import InsecureSettings, Settings, get_settings
from tests.app.conftest import Caller


def test_a_new_key_is_never_cached_nor_sniffed(admin: Caller) -> None:
    response = admin.post("/v1/api-keys", json={"role": "admin", "name": "ops"})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/healthz", "/v1/rounds", "/v1/nowhere", "/openapi.json"])
def test_every_answer_is_no_store_and_nosniff_by_default(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_refused_body_carries_them_too(client: TestClient) -> None:
    response = client.post("/v1/rounds", content=b"x" * (2 * 1024 * 1024))

    assert response.status_code == 413
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_with_the_development_secret_is_refused() -> None:
    with pytest.raises(InsecureSettings, match="BPV_SECRET_KEY"):
        create_app(Settings(environment="production"))


def test_production_with_a_secret_of_its_own_starts() -> None:
    settings = Settings(environment="production", secret_key="a long random value of its own")

    assert create_app(settings).state.settings.environment == "production"


def test_development_keeps_the_development_secret() -> None:
    assert (
        create_app(Settings(database_url="sqlite://")).state.settings.environment == "development"
    )


def test_bpv_serve_refuses_production_with_the_development_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BPV_ENVIRONMENT", "production")
    monkeypatch.delenv("BPV_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 2
    assert "BPV_SECRET_KEY" in result.output
