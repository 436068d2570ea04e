"""Running the Alembic migrations from code (CLI, demo and tests build databases this way)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from app.db import make_engine


def project_root() -> Path:
    """The folder holding `migrations/`: the checkout, or the working directory of an image."""
    for candidate in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (candidate / "migrations" / "env.py").is_file():
            return candidate
    raise RuntimeError("No migrations/ folder found beside the app or in the working directory.")


def alembic_config(database_url: str) -> Config:
    root = project_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class Migration:
    """What an upgrade did: from which revision to which, and whether it made a new file."""

    created_file: str | None
    before: str | None
    after: str | None

    def describe(self) -> str:
        if self.created_file:
            return f"created {self.created_file} and migrated it to revision {self.after}"
        if self.before == self.after:
            return f"already at revision {self.after}"
        if self.before is None:
            return f"migrated the empty database to revision {self.after}"
        return f"migrated from revision {self.before} to {self.after}"


def upgrade(database_url: str, revision: str = "head") -> Migration:
    url = make_url(database_url)
    is_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    new_file = url.database if is_file and not Path(url.database or "").exists() else None
    before = None if new_file else current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    return Migration(new_file, before, current_revision(database_url))


def current_revision(database_url: str) -> str | None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
