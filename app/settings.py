"""Typed settings read from the environment (prefix BPV_)."""

import os
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "bpv-development-secret-change-me"


class InsecureSettings(ValueError):
    """Settings that must not be used to serve outside development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BPV_", env_file=".env", extra="ignore")

    # "production" refuses the development secret key; anything serving real users is production.
    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./var/bpv.db"
    # Keys are stored as HMAC-SHA256(secret, salt + key): set a long random value in production.
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    max_body_bytes: int = 10 * 1024 * 1024
    page_size_max: int = 200
    # Bounded cost per request (README "Limits"): each process counts on its own.
    rate_limit_requests: int = Field(default=300, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    auth_failures_max: int = Field(default=20, ge=1)
    auth_failures_window_seconds: int = Field(default=300, ge=1)
    compute_slots: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    compute_wait_seconds: float = Field(default=0.5, ge=0)
    # How long a sign-in to the pages lasts (app/web/session.py), whatever the browser does.
    page_session_seconds: int = Field(default=8 * 3600, ge=60)
    host: str = "127.0.0.1"
    port: int = 8000

    # Database trouble is answered (503 with Retry-After), never waited on without end.
    # PostgreSQL's driver waits at least 2 s for a connection whatever is asked.
    database_connect_timeout: int = Field(default=3, ge=1)
    database_pool_timeout: float = Field(default=5.0, gt=0)
    # Connections per server process: a request holds one from authentication to its commit.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    # Threads of each server process for the reads that go through `app.reads` (a bid, a list
    # of bids): unset, 2 on SQLite and 8 on PostgreSQL (README "Benchmarks").
    read_threads: int | None = Field(default=None, ge=1, le=256)
    database_statement_timeout: float = Field(default=10.0, gt=0)
    # How long a transaction waits for a lock (SQLite's busy timeout, PostgreSQL's lock_timeout).
    database_lock_timeout: float = Field(default=5.0, gt=0)
    health_timeout: float = Field(default=0.5, gt=0)
    retry_after_seconds: int = Field(default=5, ge=1)

    # What `bpv serve` asks of uvicorn: a slow or idle client cannot hold the server for long.
    keep_alive_timeout: int = Field(default=5, ge=1)
    max_concurrency: int = Field(default=200, ge=1)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    graceful_shutdown_timeout: int = Field(default=10, ge=0)

    # `bpv worker`: webhook deliveries (README "Alerts (webhooks)").
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    worker_batch_size: int = Field(default=10, ge=1, le=1000)
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    # A claimed batch is the worker's until then; another worker takes over after it (a worker
    # that died). It must outlast a batch of requests that all time out.
    webhook_lease_seconds: float = Field(default=120.0, gt=0)
    # Retry n waits a random time up to min(cap, base * 2^(n-1)) ("full jitter").
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_cap_seconds: float = Field(default=3600.0, gt=0)
    # A subscription failing for this long is disabled and its pending deliveries abandoned.
    webhook_failure_window_seconds: float = Field(default=86400.0, ge=0)
    # How often the worker looks for measurements that are due and missing.
    missing_scan_seconds: float = Field(default=3600.0, gt=0)

    def check_safe_to_serve(self) -> None:
        """Refuse the development secret key outside development."""
        secret = self.secret_key.get_secret_value()
        if self.environment != "development" and secret == DEVELOPMENT_SECRET:
            raise InsecureSettings(
                f"BPV_ENVIRONMENT is {self.environment} but BPV_SECRET_KEY is the development "
                "secret: set BPV_SECRET_KEY to a long random value (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
