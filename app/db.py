"""Engine and session factories: bounded waits on the database; on SQLite, writers begin IMMEDIATE.

A request that only reads (GET, HEAD, OPTIONS) gets a session whose transaction takes no write
lock; every other request's transaction takes SQLite's write lock when it begins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.settings import Settings, get_settings

# Execution option carried by the engine of read-only sessions.
READS_ONLY = "bpv_reads_only"


def make_engine(database_url: str, settings: Settings | None = None) -> Engine:
    """An engine whose connects, pool checkouts, statements and lock waits are all bounded."""
    limits = settings or get_settings()
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        statement_ms = round(limits.database_statement_timeout * 1000)
        lock_ms = round(limits.database_lock_timeout * 1000)
        return create_engine(
            url,
            pool_pre_ping=True,
            **_pool_args(limits),
            connect_args={
                "connect_timeout": limits.database_connect_timeout,
                "options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}",
            },
        )
    in_memory = not url.database or url.database == ":memory:"
    if not in_memory:
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    # sqlite3's `timeout` is SQLite's busy timeout: how long to wait for another writer's lock.
    engine = create_engine(
        url,
        connect_args={"timeout": limits.database_lock_timeout},
        **({} if in_memory else _pool_args(limits)),  # one shared connection has no pool to size
    )
    _begin_by_kind(engine)
    return engine


def _pool_args(limits: Settings) -> dict[str, Any]:
    return {
        "pool_size": limits.database_pool_size,
        "max_overflow": limits.database_max_overflow,
        "pool_timeout": limits.database_pool_timeout,
    }


def _begin_by_kind(engine: Engine) -> None:
    """Take SQLite's write lock when a writing transaction starts, not at its first write.

    A deferred transaction that reads and then writes can lose an update or fail with
    "database is locked" under concurrency; IMMEDIATE makes writers queue instead. Readers
    begin deferred: in WAL mode they read a snapshot and never wait for a writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reads_only = connection.get_execution_options().get(READS_ONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if reads_only else "BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine, *, reads_only: bool = False) -> sessionmaker[Session]:
    bind = engine.execution_options(**{READS_ONLY: True}) if reads_only else engine
    return sessionmaker(bind, expire_on_commit=False)
