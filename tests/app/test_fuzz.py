"""Property-based fuzzing of the committed OpenAPI contract, in process, with schemathesis.

Positive and negative data for every operation, as an administrator and as a programme office:
no response may be a 5xx, and every response must match its documented status codes, content
type and schema. One app instance serves the whole run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.main import create_app
from app.schemas.keys import Role
from app.services.keys import issue_key
from app.settings import Settings
from app.tables import Footprint
from tests.conftest import SECRET

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
EXAMPLES = int(os.environ.get("BPV_FUZZ_EXAMPLES", "25"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="session")
def fuzz_app(settings: Settings) -> FastAPI:
    return create_app(settings)


schema = schemathesis.openapi.from_path(COMMITTED)
schema.config.generation.update(modes=["positive", "negative"], max_examples=EXAMPLES)
# A body over the size limit is rejected too, with 413, before it is even parsed.
schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
    expected_statuses=[400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
)


def issue(engine: Engine, role: Role) -> str:
    """A key of `role` (a programme office's in a footprint of its own)."""
    with Session(engine) as session, session.begin():
        footprint = Footprint(code="FUZ", name="Fuzz footprint", population=1000)
        session.add(footprint)
        session.flush()
        footprint_id = footprint.id if role is Role.PROGRAMME_OFFICE else None
        return issue_key(session, SECRET, role, "fuzz key", footprint_id).key


@pytest.fixture
def admin_key(engine: Engine) -> str:
    return issue(engine, Role.ADMIN)


@pytest.fixture
def office_key(engine: Engine) -> str:
    return issue(engine, Role.PROGRAMME_OFFICE)


# The caller's key is made once per operation and serves every generated example.
KEY_KEPT_ACROSS_EXAMPLES = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@KEY_KEPT_ACROSS_EXAMPLES
def test_the_api_honours_its_contract_for_an_administrator(
    case: schemathesis.Case, fuzz_app: FastAPI, admin_key: str
) -> None:
    case.call_and_validate(app=fuzz_app, headers=bearer(admin_key), checks=CHECKS)


@schema.parametrize()
@KEY_KEPT_ACROSS_EXAMPLES
def test_the_api_honours_its_contract_for_a_programme_office(
    case: schemathesis.Case, fuzz_app: FastAPI, office_key: str
) -> None:
    case.call_and_validate(app=fuzz_app, headers=bearer(office_key), checks=CHECKS)
