"""Typed settings read from the environment (prefix BPV_)."""

import os
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BPV_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/bpv.db"
    # Keys are stored as HMAC-SHA256(secret, salt + key): set a long random value in production.
    secret_key: SecretStr = SecretStr("bpv-development-secret-change-me")
    max_body_bytes: int = 10 * 1024 * 1024
    page_size_max: int = 200
    # Bounded cost per request (README "Limits"): each process counts on its own.
    rate_limit_requests: int = Field(default=300, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    auth_failures_max: int = Field(default=20, ge=1)
    auth_failures_window_seconds: int = Field(default=300, ge=1)
    compute_slots: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    compute_wait_seconds: float = Field(default=0.5, ge=0)
    host: str = "127.0.0.1"
    port: int = 8000


@lru_cache
def get_settings() -> Settings:
    return Settings()
