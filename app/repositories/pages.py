"""Pages of any select: after a cursor (keyset) or at an offset, with a total only when asked.

A cursor is the sort key of a page's last row, opaque to clients (base64 of a JSON list). The
next page is the rows after that key in the list's order, which an index on the order's columns
finds at the same cost however deep it is; the caller's scope stays in the query, so a cursor
can only move through rows the caller may see.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, TypeDecorator, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.problems import FieldError, ValidationFailed

T = TypeVar("T")
Column = ColumnElement[Any] | InstrumentedAttribute[Any]  # a mapped attribute or a table's
MAX_CURSOR_LENGTH = 500
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # URL-safe base64, unpadded


@dataclass(frozen=True)
class Window:
    """What a page request asks for: how many, after which cursor or offset, and the total?"""

    limit: int
    offset: int = 0
    cursor: str | None = None
    with_total: bool = False


@dataclass(frozen=True)
class Fetched(Generic[T]):
    rows: list[T]
    total: int | None
    next_cursor: str | None


def fetch_page(
    session: Session,
    stmt: Select[T],
    window: Window,
    order: Sequence[InstrumentedAttribute[Any]],
) -> Fetched[T]:
    """The window's rows of `stmt` in `order` (columns that make a unique key, ascending)."""
    total = None
    if window.with_total:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = int(session.scalar(counted) or 0)
    paged = stmt.order_by(*order)
    if window.cursor is not None:
        paged = paged.where(tuple_(*order) > tuple_(*decode_cursor(window.cursor, order)))
    rows = list(session.scalars(paged.limit(window.limit + 1).offset(window.offset)))
    more = len(rows) > window.limit
    rows = rows[: window.limit]
    last = [getattr(rows[-1], column.key) for column in order] if more else None
    return Fetched(rows, total, encode_cursor(last) if last is not None else None)


def slice_page(items: list[T], window: Window) -> Fetched[T]:
    """A window of a short list already in memory (a version's hypotheses or cost lines)."""
    start = window.offset + (_position(window.cursor) if window.cursor is not None else 0)
    end = start + window.limit
    more = end < len(items)
    total = len(items) if window.with_total else None
    return Fetched(items[start:end], total, encode_cursor([end]) if more else None)


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [str(v) if isinstance(v, uuid.UUID) else _stamp(v) for v in values]
    text = json.dumps(plain, separators=(",", ":")).encode()
    # URL-safe base64 without its padding: a cursor goes in a query string as it is.
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def decode_cursor(cursor: str, order: Sequence[Column]) -> list[Any]:
    """The sort key a cursor of this list holds; 422 naming `cursor` for anything else."""
    values = _values(cursor)
    if len(values) != len(order):
        raise _bad_cursor()
    return [_typed(value, _kind(column)) for value, column in zip(values, order, strict=True)]


def _position(cursor: str) -> int:
    values = _values(cursor)
    if len(values) != 1 or type(values[0]) is not int or values[0] < 0:
        raise _bad_cursor()
    return int(values[0])


def _kind(column: Column) -> type:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # UtcDateTime: a datetime underneath
        column_type = column_type.impl_instance
    kind: type = column_type.python_type
    return kind


def _stamp(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _values(cursor: str) -> list[Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _bad_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise _bad_cursor() from None
    if not isinstance(values, list):
        raise _bad_cursor()
    return values


def _typed(value: Any, kind: type) -> Any:
    try:
        if kind is dt.datetime and isinstance(value, str):
            stamp = dt.datetime.fromisoformat(value)
            if stamp.tzinfo is not None:
                return stamp.astimezone(dt.UTC)  # out of range (year 9999 at +14:00) raises
        elif kind is uuid.UUID and isinstance(value, str):
            return uuid.UUID(value)
        elif (kind is int and type(value) is int and abs(value) < 2**63) or (
            kind is str and isinstance(value, str) and "\x00" not in value
        ):
            return value
    except (ValueError, OverflowError):
        pass
    raise _bad_cursor()


def _bad_cursor() -> ValidationFailed:
    message = "not a cursor of this list: send back a `next_cursor` it answered"
    return ValidationFailed(
        "The cursor is not one this list gave.",
        errors=[FieldError(field="cursor", location="query", message=message, type="domain")],
    )
