"""Tabular exports: a list the API answers in JSON, also as CSV or as an XLSX workbook.

The format is the `format` query parameter's, else the best one the `Accept` header takes (JSON
when it names none); a request that accepts none of them answers 406. A table is named columns
and rows of plain values: numbers stay numbers (money in pounds, unrounded: in full in CSV, to
the 16 significant digits an XLSX cell is written with), booleans are `true`/`false` (native
booleans in XLSX), an absent value is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.problems import NotAcceptable


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {
    ExportFormat.JSON: JSON_MEDIA_TYPE,
    ExportFormat.CSV: CSV_MEDIA_TYPE,
    ExportFormat.XLSX: XLSX_MEDIA_TYPE,
}

Cell = str | int | float | bool | None

# A spreadsheet reads a text cell starting with one of these as a formula (CSV injection): in
# CSV such text is written after a single quote, in XLSX it is stored as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_format(requested: ExportFormat | None, accept: str | None) -> ExportFormat:
    """The format to answer in: the one requested by name, else the best the Accept header
    takes (JSON for no header). 406 when the header takes none.

    A media range's quality is that of the most specific range matching it (RFC 9110 12.5.1);
    between equal qualities an exact match beats a wildcard, then JSON, CSV, XLSX in turn.
    """
    if requested is not None:
        return requested
    if accept is None or not accept.strip():
        return ExportFormat.JSON
    ranges = _media_ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for preference, fmt in enumerate(ExportFormat):
        match = _quality(MEDIA_TYPES[fmt], ranges)
        if match is None or match[0] <= 0:
            continue
        key = (match[0], match[1], -preference)
        if best is None or key > best:
            best, chosen = key, fmt
    if chosen is None:
        offered = ", ".join(MEDIA_TYPES.values())
        raise NotAcceptable(
            f"Accept names no type this operation answers in; it offers {offered} "
            "(or ask with ?format=json|csv|xlsx).",
            available=list(MEDIA_TYPES.values()),
        )
    return chosen


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each well-formed range; a malformed one is left out."""
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype or (kind == "*" and subtype != "*"):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = -1.0
        if 0.0 <= quality <= 1.0:
            ranges.append((kind, subtype, quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int] | None:
    """The quality the most specific matching range gives `media_type`, with its specificity
    (2 exact, 1 `type/*`, 0 `*/*`); None when no range matches."""
    kind, _, subtype = media_type.partition("/")
    found: tuple[int, float] | None = None
    for range_kind, range_subtype, quality in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 2
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*":
            specificity = 0
        else:
            continue
        if found is None or specificity > found[0]:
            found = (specificity, quality)
    return None if found is None else (found[1], found[0])


def negotiated_format(
    request: Request,
    format: Annotated[
        ExportFormat | None,
        Query(
            description="json (the default), csv or xlsx; without it the `Accept` header "
            f"chooses ({CSV_MEDIA_TYPE}, {XLSX_MEDIA_TYPE} or {JSON_MEDIA_TYPE})."
        ),
    ] = None,
) -> ExportFormat:
    return export_format(format, request.headers.get("accept"))


# The Accept header is read from the request rather than declared: a client that sends none
# gets JSON, and the header is not a parameter of the operation.
ExportFormatDep = Annotated[ExportFormat, Depends(negotiated_format)]


def export_responses() -> dict[int | str, dict[str, Any]]:
    """The 200 answer's other media types, for an operation's `responses` (merged with the
    JSON that its response model gives)."""
    return {
        200: {
            "content": {
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "The list in JSON, or as a table in CSV or XLSX (named header row, "
            "one row per item).",
        }
    }


def table_response(
    fmt: ExportFormat,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    name: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The table as a CSV or XLSX download named `name` (its sheet too, in XLSX)."""
    if fmt is ExportFormat.JSON:
        raise ValueError("JSON is answered by the operation's response model, not as a table")
    checked = (_checked(columns, row) for row in rows)
    content = _csv(columns, checked) if fmt is ExportFormat.CSV else _xlsx(columns, checked, name)
    media_type = MEDIA_TYPES[fmt] + ("; charset=utf-8" if fmt is ExportFormat.CSV else "")
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Vary": "Accept",
            **(headers or {}),
        },
    )


def _checked(columns: Sequence[str], row: Sequence[Cell]) -> Sequence[Cell]:
    if len(row) != len(columns):
        raise ValueError(f"a row of {len(row)} cells under {len(columns)} columns")
    return row


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return repr(value)  # the shortest text that reads back as the same number


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(columns: Sequence[str], rows: Iterable[Sequence[Cell]], name: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name[:31])  # Excel's longest sheet name
    sheet.freeze_panes = "A2"

    def cell(value: Cell, *, bold: bool = False) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # text, even when it starts like a formula
        if bold:
            written.font = Font(bold=True)
        return written

    sheet.append([cell(column, bold=True) for column in columns])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
