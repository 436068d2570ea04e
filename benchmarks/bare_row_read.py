"""The baseline of bench_http: a bare FastAPI app that reads one bid row by primary key.

No auth, no middleware, no scope: one sync endpoint, a SQLAlchemy session per request, the
engine's default pool. Served by uvicorn as the service is:
`BENCH_DATABASE_URL=... uvicorn bare_row_read:app` (from benchmarks/).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.tables import Bid

engine = create_engine(os.environ["BENCH_DATABASE_URL"])
app = FastAPI()


@app.get("/rows/{row_id}")
def read_row(row_id: uuid.UUID) -> dict[str, Any]:
    with Session(engine) as session:
        row = session.get(Bid, row_id)
        if row is None:
            raise HTTPException(404)
        return {
            "id": row.id,
            "footprint_id": row.footprint_id,
            "round_id": row.round_id,
            "status": row.status,
            "version": row.current_version,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
