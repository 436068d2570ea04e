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


def _clean_text(value: str) -> str:
    # PostgreSQL rejects NUL in text, and a lone surrogate cannot be encoded as UTF-8.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must not contain lone surrogate characters") from None
    return value


Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_clean_text)]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, strip_whitespace=True),
    AfterValidator(_clean_text),
]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
]
Key = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_clean_text)]
# Numbers are strict: JSON `true` or `"12"` is not a number, whatever Python would coerce.
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
]
Population = Annotated[int, Strict(), Field(ge=0, le=10_000_000_000)]


class Schema(BaseModel):
    """Strict input: unknown fields are rejected, NaN and infinities too."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_max_length=10_000)


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class YearAmount(Schema):
    year: FinancialYear
    amount: Money


def _iso_text(value: object) -> object:
    # Python would read a number as a Unix timestamp; the contract says ISO 8601 text.
    if not isinstance(value, str | dt.date):
        raise ValueError("must be an ISO 8601 date, e.g. 2018-03-31")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
