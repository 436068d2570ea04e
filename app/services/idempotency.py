"""Idempotency-Key on POST: a retried request gets the first response back and stores nothing new.

The record is claimed in the request's own transaction, so it exists only if the request's
writes were committed; a request that failed can be retried with the same key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import Conflict
from app.tables import IdempotencyRecord
from bpv.errors import InvalidInput

REPLAYED_HEADER = "Idempotent-Replayed"


def request_fingerprint(method: str, body: bytes) -> str:
    """The same request however its JSON is spaced or its keys ordered; a body that is not
    JSON (which the route refuses before this) is taken byte for byte."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + canonical).hexdigest()


@dataclass
class Idempotency:
    session: Session
    principal: Principal
    key: str | None
    method: str
    path: str
    body: bytes

    def replay(self) -> JSONResponse | None:
        """The stored response when this key was used before, else None (and the key is claimed)."""
        if self.key is None:
            return None
        record = self._find() or self._claim()
        if record is None:
            return None
        if record.fingerprint != self._fingerprint or record.path != self.path:
            raise InvalidInput(
                "This Idempotency-Key was used for a different request.", "Idempotency-Key"
            )
        if record.status_code is None:
            raise Conflict("A request with this Idempotency-Key is still in progress.")
        stored = record.response or {}
        return JSONResponse(
            stored.get("body"),
            status_code=record.status_code,
            headers={**stored.get("headers", {}), REPLAYED_HEADER: "true"},
        )

    def record(self, status_code: int, result: BaseModel, response: Response | None = None) -> None:
        """Keep the response (its body, ETag and Location) to replay it; a no-op without a key."""
        if self.key is None:
            return
        record = self._find()
        assert record is not None, "replay() claims the key before the request runs"
        headers = {} if response is None else dict(response.headers)
        record.status_code = status_code
        record.response = {
            "body": result.model_dump(mode="json"),
            "headers": {name: headers[name] for name in ("etag", "location") if name in headers},
        }
        self.session.flush()

    @property
    def _fingerprint(self) -> str:
        return request_fingerprint(self.method, self.body)

    def _find(self) -> IdempotencyRecord | None:
        stmt = select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == self.principal.key_id,
            IdempotencyRecord.idempotency_key == self.key,
        )
        return self.session.scalar(stmt)

    def _claim(self) -> IdempotencyRecord | None:
        """Claim the key; if a concurrent request claimed it first, return its record."""
        claim = IdempotencyRecord(
            api_key_id=self.principal.key_id,
            idempotency_key=self.key,
            method=self.method,
            path=self.path,
            fingerprint=self._fingerprint,
        )
        try:
            with self.session.begin_nested():
                self.session.add(claim)
        except IntegrityError:
            return self._find()
        return None
