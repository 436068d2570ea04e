"""The app on a benchmark's database, with no rate limit, and an administrator's key; a large
layered logic model to load it with."""

from __future__ import annotations

import random
from itertools import pairwise
from typing import Any

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


INDICATOR = {"name": "Emergency admissions", "unit": "per 1,000", "direction": "decrease"}
LAYERS = {"input": 0.05, "activity": 0.2, "output": 0.25, "outcome": 0.3, "impact": 0.2}


def layered_logic_model(rng: random.Random, nodes: int, edges: int) -> dict[str, Any]:
    """A layered model of about `nodes` nodes and `edges` edges: every node fed by the stage
    before and feeding the stage after (so on an input-impact path), then random forward edges."""
    layers = [
        [
            {
                "key": f"{kind}_{i}",
                "kind": kind,
                "label": f"{kind} {i}",
                **({"term": "medium"} if kind == "outcome" else {}),
                **({"indicators": [INDICATOR]} if kind in ("outcome", "impact") else {}),
            }
            for i in range(int(nodes * share))
        ]
        for kind, share in LAYERS.items()
    ]
    pairs: dict[tuple[str, str], None] = {}
    for upper, lower in pairwise(layers):
        for node in lower:
            pairs[(rng.choice(upper)["key"], node["key"])] = None
        for node in upper:
            pairs[(node["key"], rng.choice(lower)["key"])] = None
    while len(pairs) < edges:
        upper, lower = rng.choice(list(pairwise(layers)))
        pairs[(rng.choice(upper)["key"], rng.choice(lower)["key"])] = None
    evidence = {"source": "Published evaluation", "grade": "moderate"}
    links = [{"source": s, "target": t, "rationale": "why", "evidence": evidence} for s, t in pairs]
    return {"nodes": [n for layer in layers for n in layer], "edges": links}
