"""Fixtures shared by the database and API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from app.db import make_engine
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from app.tables import Base
from tests.databases import backend, fresh_database

SECRET = "test-secret"

# A shared two-core machine can be slow for a moment; a property holds or fails however long an
# example takes, so no example is failed for its time.
hypothesis_settings.register_profile("bpv", deadline=None)
hypothesis_settings.load_profile("bpv")
DATABASE_FIXTURES = {"database_url", "engine", "client"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches a database, so `-m db` reruns them on PostgreSQL."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        with fresh_database(tmp_path_factory.mktemp("db")) as url:
            upgrade(url)
            yield url
    except Exception as exc:
        if backend() == "postgresql" and "connect" in str(exc).lower():
            # A run asked to use PostgreSQL must fail, not quietly skip, when it cannot.
            pytest.exit(f"PostgreSQL was not reached: {exc}", returncode=3)
        raise


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # The shared app serves the whole suite from one address: the limits are tested on apps
    # of their own (tests/app/test_limits.py).
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        max_body_bytes=1024 * 1024,
        rate_limit_requests=1_000_000,
        auth_failures_max=1_000_000,
    )


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each database test starts from empty tables (the schema stays, built by migrations)."""
    if not DATABASE_FIXTURES & set(request.fixturenames):
        yield
        return
    engine: Engine = request.getfixturevalue("engine")
    yield
    with Session(engine) as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
