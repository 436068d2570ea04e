"""The baseline of bench_http: a bare FastAPI app that reads one bid row by primary key.

No auth, no middleware, no scope: one sync endpoint, a SQLAlchemy session per request, the
engine's default pool. Served by uvicorn with the protocol `bpv serve` runs (Nagle off on every
connection, which uvicorn's worker processes would otherwise leave on):
`BENCH_DATABASE_URL=... python bare_row_read.py PORT WORKERS` (from benchmarks/).
"""

from __future__ import annotations

import os
import sys
import uuid
from typing import Any

import uvicorn
from fastapi import FastAPI, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.http_protocol import NoDelayHTTPProtocol
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


if __name__ == "__main__":
    port, workers = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run("bare_row_read:app", port=port, workers=workers, http=NoDelayHTTPProtocol)
