"""Tabular exports: the format a request asks for, and tables that read back as the JSON they
come from (CSV through the `csv` module, XLSX through openpyxl)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from app.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, ExportFormat, export_format, table_response
from app.problems import NotAcceptable
from tests.app.conftest import World
from tests.app.ranked_round import Panel, set_envelope, submitted_bid

# The ranking's table: (column, the item's field it shows).
RANKING_COLUMNS = [
    ("rank", lambda item: item["rank"]),
    ("bid_id", lambda item: item["bid_id"]),
    ("title", lambda item: item["title"]),
    ("weighted_score", lambda item: item["weighted_score"]),
    ("value_score", lambda item: item["value_score"]),
    ("requested_funding", lambda item: item["requested_funding"]),
    ("cumulative_funding", lambda item: item["cumulative_funding"]),
    ("inside_line", lambda item: item["inside_line"]),
    ("rank_p5", lambda item: item["rank_range"][0]),
    ("rank_p95", lambda item: item["rank_range"][1]),
    ("p_above_line", lambda item: item["p_above_line"]),
    ("moderated", lambda item: item["moderated"]),
]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def xlsx_rows(body: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def as_xlsx(value: Any) -> Any:
    """What the JSON value reads back as from XLSX: a float to the 16 significant digits its
    writer keeps (Excel itself shows 15)."""
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-15, abs=0)
    return value


def as_csv(value: Any) -> str:
    """How the JSON value reads in CSV: numbers in full, booleans in JSON's words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, ExportFormat.JSON),
        ("", ExportFormat.JSON),
        ("*/*", ExportFormat.JSON),
        ("application/json", ExportFormat.JSON),
        ("text/csv", ExportFormat.CSV),
        ("text/*", ExportFormat.CSV),
        (XLSX_MEDIA_TYPE, ExportFormat.XLSX),
        ("text/csv;q=0.5, application/json;q=0.4", ExportFormat.CSV),
        # An exact type beats a wildcard of the same quality.
        ("text/csv, */*", ExportFormat.CSV),
        ("application/json;q=0, */*;q=0.1", ExportFormat.CSV),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ExportFormat.JSON),
    ],
)
def test_the_accept_header_chooses_the_format(accept: str | None, expected: ExportFormat) -> None:
    assert export_format(None, accept) is expected


def test_the_format_parameter_wins_over_accept() -> None:
    assert export_format(ExportFormat.XLSX, "text/csv") is ExportFormat.XLSX


@pytest.mark.parametrize(
    "accept", ["application/xml", "text/csv;q=0, application/json;q=0", "text/csv;q=high", "a"]
)
def test_an_accept_header_nothing_satisfies_is_refused(accept: str) -> None:
    with pytest.raises(NotAcceptable):
        export_format(None, accept)


def test_a_csv_keeps_numbers_whole_and_text_that_looks_like_a_formula_inert() -> None:
    response = table_response(
        ExportFormat.CSV,
        ["name", "amount", "funded", "note"],
        [['=HYPERLINK("x")', 0.1 + 0.2, True, None], ["Plain, with a comma", 1e12, False, "ok"]],
        name="test",
    )

    assert response.headers["content-type"] == f"{CSV_MEDIA_TYPE}; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="test.csv"'
    rows = csv_rows(bytes(response.body))
    assert rows[0] == {
        "name": '\'=HYPERLINK("x")',
        "amount": "0.30000000000000004",
        "funded": "true",
        "note": "",
    }
    assert float(rows[1]["amount"]) == 1e12
    assert rows[1]["name"] == "Plain, with a comma"


def test_an_xlsx_has_a_header_row_numbers_as_numbers_and_formulas_as_text() -> None:
    response = table_response(
        ExportFormat.XLSX,
        ["name", "amount", "funded", "note"],
        [["=1+1", 1234567.89, True, None]],
        name="test",
    )

    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(response.body)))["test"]
    assert [cell.value for cell in sheet[1]] == ["name", "amount", "funded", "note"]
    assert [cell.value for cell in sheet[2]] == ["=1+1", 1234567.89, True, None]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["B2"].data_type == "n"


def test_a_row_of_the_wrong_length_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="2 cells under 3 columns"):
        table_response(ExportFormat.CSV, ["a", "b", "c"], [[1, 2]], name="test")


@pytest.fixture
def ranked(world: World) -> dict[str, Any]:
    """A closed round of two scored bids, one inside the envelope, and its JSON ranking."""
    high = submitted_bid(world, title="=Nurses, and more", funding=120_000.5)
    low = submitted_bid(world, title="Clinics", funding=80_000)
    set_envelope(world, {"total": 150_000})
    world.move_round("closed")
    panel = Panel(world)
    assessor = panel.assessor("A")
    panel.assess(high["id"], assessor, strategic_fit=5, deliverability=4)
    panel.assess(low["id"], assessor, strategic_fit=2, deliverability=2)
    response = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_ranking_as_csv_reads_back_as_its_json(world: World, ranked: dict[str, Any]) -> None:
    response = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking?format=csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(CSV_MEDIA_TYPE)
    rows = csv_rows(response.content)
    assert list(rows[0]) == [name for name, _ in RANKING_COLUMNS]
    assert len(rows) == len(ranked["items"]) == 2
    for row, item in zip(rows, ranked["items"], strict=True):
        for name, field in RANKING_COLUMNS:
            expected = as_csv(field(item))
            if name == "title" and expected.startswith("="):
                expected = "'" + expected
            assert row[name] == expected, name
    assert float(rows[0]["requested_funding"]) == 120_000.5


def test_the_ranking_as_xlsx_reads_back_as_its_json(world: World, ranked: dict[str, Any]) -> None:
    response = world.chair.get(
        f"/v1/rounds/{world.round['id']}/ranking", headers={"Accept": XLSX_MEDIA_TYPE}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert response.headers["vary"] == "Accept"
    rows = xlsx_rows(response.content)
    assert len(rows) == 2
    for row, item in zip(rows, ranked["items"], strict=True):
        assert row == {name: as_xlsx(field(item)) for name, field in RANKING_COLUMNS}
    assert rows[0]["inside_line"] is True and rows[1]["inside_line"] is False


def test_a_ranking_export_nobody_accepts_answers_406(world: World, ranked: dict[str, Any]) -> None:
    response = world.chair.get(
        f"/v1/rounds/{world.round['id']}/ranking", headers={"Accept": "application/xml"}
    )

    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:bpv:problem:not-acceptable"


def test_an_unknown_format_is_refused_naming_the_parameter(
    world: World, ranked: dict[str, Any]
) -> None:
    response = world.chair.get(f"/v1/rounds/{world.round['id']}/ranking?format=pdf")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "format"
