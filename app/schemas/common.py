"""Building blocks shared by every schema: strict models, clean text, bounded numbers, pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError


def _clean_text(value: str) -> str:
    # PostgreSQL rejects NUL in text, and a lone surrogate cannot be encoded as UTF-8.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must not contain lone surrogate characters") from None
    return value


# The same rules for the schema's readers: no NUL; not blank. (Lone surrogates, which I-JSON
# (RFC 7493) forbids, are refused too, but no JSON Schema regex dialect can say so.)
CLEAN_TEXT = r"^[^\u0000]*$"
# A name is not blank: at least one character that is neither space nor refused. The spaces are
# spelled out as those the server strips (Unicode White_Space): a JSON Schema `\s` leaves out
# U+0085 and adds U+FEFF, so schema and server would disagree.
WHITE_SPACE = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAMED_TEXT = rf"^[^\u0000]*[^\u0000{WHITE_SPACE}][^\u0000]*$"

Text = Annotated[
    str,
    StringConstraints(max_length=10_000),
    AfterValidator(_clean_text),
    Field(json_schema_extra={"pattern": CLEAN_TEXT}),
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, strip_whitespace=True),
    AfterValidator(_clean_text),
    Field(json_schema_extra={"pattern": NAMED_TEXT}),
]
# Free text that says something (a reason, a rationale): never spaces alone.
Statement = Annotated[
    str,
    StringConstraints(min_length=1, max_length=10_000, strip_whitespace=True),
    AfterValidator(_clean_text),
    Field(json_schema_extra={"pattern": NAMED_TEXT}),
]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
]
Key = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(_clean_text),
    Field(json_schema_extra={"pattern": CLEAN_TEXT}),
]


def _whole_number(value: object) -> object:
    # JSON Schema counts 389.0 as an integer, so a client generating from the schema may send it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Numbers are strict: JSON `true` or `"12"` is not a number, whatever Python would coerce.
# `WholeNumber` goes last in an integer's annotations, so its bounds stay in the JSON Schema.
WholeNumber = BeforeValidator(_whole_number)
Number = Annotated[float, Strict()]
Fraction = Annotated[float, Strict(), Field(ge=0, le=1)]
Money = Annotated[float, Strict(), Field(ge=0, le=1e13)]
FinancialYear = Annotated[
    int,
    Strict(),
    Field(
        ge=1900,
        le=3000,
        description="Named by its starting year (2017 = 2017/18); an appraisal takes flows up "
        "to 500 years after its base year.",
    ),
    WholeNumber,
]
Population = Annotated[int, Strict(), Field(ge=0, le=10_000_000_000), WholeNumber]


class Schema(BaseModel):
    """Strict input: unknown fields are rejected, NaN and infinities too."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=10_000)


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    # Every field is in every answer: `next_cursor` and `total` are null, never left out.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    items: list[T]
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None,
        description="Send it back as `cursor` for the next page; null on the last page.",
    )
    total: int | None = Field(
        default=None, description="How many items the list holds, with `total=true`; else null."
    )


class YearAmount(Schema):
    year: FinancialYear
    amount: Money


# For a mapping whose keys have a pattern: pydantic states it as `patternProperties`, which on
# its own lets any other key (and any value under it) through.
ONLY_MATCHING_KEYS: JsonDict = {"additionalProperties": False}

CROSS_FIELD_RULE = "cross_field_rule"


def cross_field_rule(message: str) -> PydanticCustomError:
    """A rule over several fields, which no JSON Schema states (its error type says so)."""
    return PydanticCustomError(CROSS_FIELD_RULE, message)


def _iso_text(value: object) -> object:
    # Python would read a number as a Unix timestamp; the contract says ISO 8601 text.
    if not isinstance(value, str | dt.date):
        raise ValueError("must be an ISO 8601 date, e.g. 2018-03-31")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
