"""Running the Alembic migrations from code (CLI, demo and tests build databases this way)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


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


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
