"""The domain stays pure: `bpv` imports neither the web layer, the database layer nor `app`."""

from __future__ import annotations

import ast
from pathlib import Path

import bpv

FORBIDDEN = {"fastapi", "starlette", "sqlalchemy", "alembic", "app", "uvicorn", "pydantic_settings"}


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_domain_imports_no_framework() -> None:
    package = Path(bpv.__file__).parent
    offenders = {
        str(path.relative_to(package)): sorted(imported_roots(path.read_text()) & FORBIDDEN)
        for path in package.rglob("*.py")
    }

    assert {path: roots for path, roots in offenders.items() if roots} == {}


def test_the_check_sees_a_forbidden_import() -> None:
    assert imported_roots("from sqlalchemy.orm import Session\nimport fastapi") == {
        "sqlalchemy",
        "fastapi",
    }


def test_routers_never_commit() -> None:
    app_dir = Path(bpv.__file__).parent.parent / "app"
    committing = [p.name for p in app_dir.rglob("*.py") if ".commit()" in p.read_text()]

    assert committing == []
