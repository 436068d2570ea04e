"""The app on a benchmark's database, with no rate limit, and an administrator's key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import make_engine
from app.main import create_app
from app.migrate import upgrade
from app.schemas.keys import Role
from app.services.keys import issue_key
from app.settings import Settings

SECRET = "bench-secret"


def admin_client(url: str) -> tuple[TestClient, dict[str, str]]:
    """A test client of the app on `url` (migrated first), and an admin key's headers."""
    upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        rate_limit_requests=1_000_000,
        auth_failures_max=1_000_000,
    )
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        key = issue_key(session, SECRET, Role.ADMIN, "bench").key
    engine.dispose()
    return TestClient(create_app(settings)).__enter__(), {"Authorization": f"Bearer {key}"}
