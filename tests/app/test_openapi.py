"""The committed OpenAPI document is exactly what the app generates."""

from __future__ import annotations

import json
from pathlib import Path

from app.openapi import render_openapi

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert COMMITTED.read_text() == render_openapi(), "run `make openapi` and commit the result"


def test_operation_ids_are_readable_and_unique() -> None:
    document = json.loads(render_openapi())
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]

    assert len(ids) == len(set(ids))
    assert "create_bid" in ids
    assert all(i.replace("_", "").isalpha() and i.islower() for i in ids)


def test_every_operation_documents_its_problem_responses() -> None:
    document = json.loads(render_openapi())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path == "/healthz":
                continue
            assert {"401", "404", "422"} <= set(operation["responses"]), (method, path)
            assert "application/problem+json" in operation["responses"]["422"]["content"]
