"""Bids as their answers show them, read straight from the rows: the read path of `GET /v1/bids`
and `GET /v1/bids/{id}`.

Each statement is built once per shape (the caller's role, the filters given, a cursor or not)
and run with the values bound: on these reads SQLAlchemy took longer to build a SELECT and load
ORM objects from it than the database took to answer it. No logic model is read.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any, TypedDict

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from app.auth import Principal
from app.repositories.pages import Fetched, Window, decode_cursor, encode_cursor
from app.scopes import bids_visible_to, scope_values, visible_bids
from app.tables import Bid, BidPartner, BidVersion

# A page ends early, with its cursor, once the contents it holds reach this size (as stored):
# `limit` bids of the largest content would otherwise make one answer of tens of MiB.
PAGE_CONTENT_BUDGET = 4 * 1024 * 1024

_bids, _versions, _partners = Bid.__table__, BidVersion.__table__, BidPartner.__table__
ORDER = (_bids.c.created_at, _bids.c.id)


class BidFields(TypedDict):
    """A bid with one of its versions' fields (the current one, when read here), as its
    answer shows them."""

    # Ids and times as read: objects, or their text where the driver gives text (SQLite).
    id: uuid.UUID | str
    round_id: uuid.UUID | str
    footprint_id: uuid.UUID | str
    status: str
    version: int  # the row's, for the ETag
    current_version: int
    created_at: dt.datetime | str
    number: int
    title: str
    programme_area: str
    lead_organisation_id: uuid.UUID | str | None
    intervention: str | None
    updated_at: dt.datetime | str
    submitted_at: dt.datetime | str | None
    content: dict[str, Any]
    partner_ids: list[uuid.UUID] | list[str]


def bid_fields(bid: Bid, version: BidVersion) -> BidFields:
    """The same from ORM objects (a write answers with what it just stored)."""
    return BidFields(
        id=bid.id,
        round_id=bid.round_id,
        footprint_id=bid.footprint_id,
        status=bid.status,
        version=bid.version,
        current_version=bid.current_version,
        created_at=bid.created_at,
        number=version.number,
        title=version.title,
        programme_area=version.programme_area,
        lead_organisation_id=version.lead_organisation_id,
        intervention=version.intervention,
        updated_at=version.updated_at,
        submitted_at=version.submitted_at,
        content=version.content,
        partner_ids=[p.organisation_id for p in version.partners],
    )


@dataclass(frozen=True)
class BidFilters:
    """What a list of bids is narrowed to: each one given must match."""

    round_id: uuid.UUID | None = None
    status: str | None = None
    footprint_id: uuid.UUID | None = None

    def given(self) -> dict[str, Any]:
        named = {
            "round_id": self.round_id,
            "status": self.status,
            "footprint_id": self.footprint_id,
        }
        return {name: value for name, value in named.items() if value is not None}

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters as conditions on `bids`, with their values."""
        return [_bids.c[name] == value for name, value in self.given().items()]


NO_FILTERS = BidFilters()


class BidAnswers:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal
        self.shape = (principal.role, principal.account_id is not None)

    def get(self, bid_id: uuid.UUID) -> BidFields | None:
        """The bid if the caller may see it."""
        rows = self.session.execute(
            _one_statement(*self.shape), {"bid_id": bid_id, **scope_values(self.principal)}
        ).all()
        found = _current_bids(rows)
        return found[0][0] if found else None

    def page(self, window: Window, filters: BidFilters = NO_FILTERS) -> Fetched[BidFields]:
        """The window's bids, oldest first, among those the caller may see and `filters`
        let through; fewer than `limit` when their contents reach PAGE_CONTENT_BUDGET."""
        given = filters.given()
        values: dict[str, Any] = {
            **scope_values(self.principal),
            **given,
            "limit": window.limit + 1,
            "offset": window.offset,
        }
        if window.cursor is not None:
            values["after_created_at"], values["after_id"] = decode_cursor(window.cursor, ORDER)
        statement = _page_statement(*self.shape, tuple(sorted(given)), window.cursor is not None)
        found = _current_bids(self.session.execute(statement, values).all())
        rows: list[BidFields] = []
        size = 0
        for bid, stored in found[: window.limit]:
            if rows and size + stored > PAGE_CONTENT_BUDGET:
                break
            rows.append(bid)
            size += stored
        more = len(rows) < len(found)
        total = self._total(filters) if window.with_total else None
        last = [_as_time(rows[-1]["created_at"]), _as_uuid(rows[-1]["id"])] if more else None
        return Fetched(rows, total, encode_cursor(last) if last is not None else None)

    def _total(self, filters: BidFilters) -> int:
        counted = (
            select(func.count())
            .select_from(_bids)
            .where(visible_bids(self.principal), *filters.conditions())
        )
        return int(self.session.scalar(counted) or 0)


def _as_time(value: dt.datetime | str) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return uuid.UUID(value) if isinstance(value, str) else value


def _filters_as_parameters(names: Iterable[str]) -> list[ColumnElement[bool]]:
    return [_bids.c[name] == bindparam(name) for name in names]


_COLUMNS = (
    "round_id",
    "footprint_id",
    "status",
    "version",
    "current_version",
    "created_at",
)
_VERSION_COLUMNS = (
    "number",
    "title",
    "programme_area",
    "lead_organisation_id",
    "intervention",
    "updated_at",
    "submitted_at",
)
_FIELDS = ("id", *_COLUMNS, *_VERSION_COLUMNS)  # then the content and one partner
_CREATED_AT = _FIELDS.index("created_at")
_TIMES = ("created_at", "updated_at", "submitted_at")


def _utc(value: dt.datetime | str | None) -> dt.datetime | str | None:
    """A time as the driver gave it, marked UTC where it came as text (SQLite keeps no zone:
    `app.tables.UtcDateTime` stores UTC)."""
    return value + "+00:00" if isinstance(value, str) else value


def _answer_columns(bids: Any) -> list[Any]:
    columns = [
        bids.c.id,
        *(bids.c[name] for name in _COLUMNS),
        *(_versions.c[name] for name in _VERSION_COLUMNS),
        _partners.c.organisation_id.label("partner_id"),
        _partners.c.position.label("partner_position"),
    ]
    # As the driver gives them: the answer's schema parses ids and times faster than the
    # column types' own conversions (see `_utc`). The content as text: a page weighs each
    # content before parsing it.
    raw = [type_coerce(column, String).label(column.name) for column in columns]
    return [*raw[:-2], cast(_versions.c.content, Text).label("content"), *raw[-2:]]


def _with_version_and_partners(bids: Any, where: Any = None) -> Select[Any]:
    joined = bids.join(
        _versions,
        and_(_versions.c.bid_id == bids.c.id, _versions.c.number == bids.c.current_version),
    ).outerjoin(_partners, _partners.c.bid_version_id == _versions.c.id)
    stmt = select(*_answer_columns(bids)).select_from(joined)
    return stmt if where is None else stmt.where(where)


@cache
def _one_statement(role: Any, with_conflicts: bool) -> Select[Any]:
    # Unordered, as a page is: `_current_bids` puts the partners in order.
    return _with_version_and_partners(
        _bids, and_(_bids.c.id == bindparam("bid_id"), bids_visible_to(role, with_conflicts))
    )


@cache
def _page_statement(
    role: Any, with_conflicts: bool, filters: tuple[str, ...], after_cursor: bool
) -> Select[Any]:
    # The page's bids first, by the list's index; then their versions and partners.
    page = select(_bids).where(
        bids_visible_to(role, with_conflicts), *_filters_as_parameters(filters)
    )
    if after_cursor:
        after = tuple_(*(bindparam(f"after_{column.key}", type_=column.type) for column in ORDER))
        page = page.where(tuple_(*ORDER) > after)
    chosen = page.order_by(*ORDER).limit(bindparam("limit")).offset(bindparam("offset")).subquery()
    # Unordered: the page's few rows are put in order in Python (`_current_bids`), so the
    # plan sorts nothing.
    return _with_version_and_partners(chosen)


def _current_bids(rows: Sequence[Sequence[Any]]) -> list[tuple[BidFields, int]]:
    """Each bid of `rows` (one row per partner), oldest first, with the size of its stored
    content."""
    found = []
    in_order = sorted(rows, key=lambda row: (row[_CREATED_AT], row[0], row[-1] or 0))
    for _, group in groupby(in_order, key=itemgetter(0)):
        first, *others = group
        fields: Any = dict(zip(_FIELDS, first, strict=False))
        for name in _TIMES:
            fields[name] = _utc(fields[name])
        content = first[len(_FIELDS)]
        fields["content"] = json.loads(content)
        partners = [] if first[-2] is None else [first[-2]]
        fields["partner_ids"] = partners + [row[-2] for row in others]
        found.append((fields, len(content)))
    return found
