"""Realised measurements and actual spend as integrations post them (SPEC 3.1), and as they are
read back with their history and provenance."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from app.problems import FieldError, field_path
from app.schemas.common import (
    FinancialYear,
    IsoDate,
    Money,
    Name,
    Number,
    ReadSchema,
    Schema,
    cross_field_rule,
)

if TYPE_CHECKING:
    from app.services.measurements import Ingested
    from app.tables import Measurement, MeasurementBatch, Spend

MAX_BATCH_ITEMS = 10_000  # measurements and spend items together
MAX_MEASUREMENTS_PAGE = 1000


class MeasurementIn(Schema):
    bid_id: uuid.UUID = Field(description="A funded bid of the key's footprint.")
    indicator: Name = Field(
        description="The name of an indicator of a hypothesis of the bid's decided version."
    )
    period_start: IsoDate
    period_end: IsoDate = Field(description="Not before `period_start`.")
    value: Number = Field(ge=-1e15, le=1e15)
    source: Name = Field(
        description="Where the figure comes from; a later item for the same bid, indicator, "
        "period and source corrects it."
    )
    hypothesis_id: uuid.UUID | None = Field(
        default=None,
        description="A hypothesis of the bid's decided version naming `indicator`; when left "
        "out, the one hypothesis that names it (none when several do).",
    )


class SpendIn(Schema):
    bid_id: uuid.UUID = Field(description="A funded bid of the key's footprint.")
    cost_line_id: uuid.UUID = Field(description="A cost line of the bid's decided version.")
    year: FinancialYear
    amount: Money
    source: Name = Field(
        description="A later item for the same bid, cost line, year and source corrects it."
    )


@dataclass(frozen=True)
class Rejected:
    """An item that failed its own schema, kept in its place so that the whole batch's errors
    are reported together, its own and those the service finds in the others."""

    errors: tuple[tuple[tuple[str | int, ...], str, str], ...]  # (loc, message, type)

    def field_errors(self, prefix: str) -> list[FieldError]:
        return [
            FieldError(
                field=field_path([prefix, *loc]) if loc else prefix,
                location="body",
                message=message,
                type=kind,
            )
            for loc, message, kind in self.errors
        ]


def _items_of(model: type[Schema]) -> WrapValidator:
    """A list of `model` items validated whole (the fast path); when some fail, item by item,
    each failing one kept in its place as `Rejected`."""
    adapter = TypeAdapter(model)

    def one(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as error:
            return Rejected(
                tuple(
                    (tuple(e["loc"]), e["msg"], e["type"]) for e in error.errors(include_url=False)
                )
            )

    def keep_rejected(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            if not isinstance(value, list) or any(not e["loc"] for e in error.errors()):
                raise  # not a list, or too long: the list itself is wrong
            return [one(item) for item in value]

    return WrapValidator(keep_rejected)


class MeasurementBatchIn(Schema):
    measurements: Annotated[list[MeasurementIn], _items_of(MeasurementIn)] = Field(
        max_length=MAX_BATCH_ITEMS,
        description=f"At most {MAX_BATCH_ITEMS:,} items with the spend.",
    )
    spend: Annotated[list[SpendIn], _items_of(SpendIn)] = Field(
        default_factory=list,
        validate_default=True,
        max_length=MAX_BATCH_ITEMS,
        description="Actual spend by cost line and financial year.",
    )

    @field_validator("spend")
    @classmethod
    def _bounded(cls, spend: list[Any], info: ValidationInfo) -> list[Any]:
        if "measurements" not in info.data:
            return spend  # its own error is reported
        total = len(info.data["measurements"]) + len(spend)
        if total > MAX_BATCH_ITEMS:
            raise cross_field_rule(
                f"a batch holds at most {MAX_BATCH_ITEMS:,} items, measurements and spend "
                f"together; this one has {total:,}"
            )
        if total == 0:
            raise cross_field_rule("a batch holds at least one measurement or spend item")
        return spend

    def items(self) -> tuple[list[tuple[int, MeasurementIn]], list[tuple[int, SpendIn]]]:
        """The items that passed their schema, each with its index."""
        return _valid(self.measurements), _valid(self.spend)

    def schema_errors(self) -> list[FieldError]:
        """The errors of the items that failed their schema, by path."""
        errors: list[FieldError] = []
        for name, items in (("measurements", self.measurements), ("spend", self.spend)):
            for index, item in enumerate(items):
                if isinstance(item, Rejected):
                    errors += item.field_errors(f"{name}[{index}]")
        return errors


T = TypeVar("T")


def _valid(items: Sequence[T]) -> list[tuple[int, T]]:
    return [(index, item) for index, item in enumerate(items) if not isinstance(item, Rejected)]


class BatchAccepted(ReadSchema):
    batch_id: uuid.UUID
    measurements: int = Field(description="Measurements stored.")
    spend: int = Field(description="Spend items stored.")
    superseded: int = Field(description="Earlier rows these corrected, kept as history.")

    @classmethod
    def of(cls, ingested: Ingested) -> BatchAccepted:
        return cls(
            batch_id=ingested.batch_id,
            measurements=ingested.measurements,
            spend=ingested.spend,
            superseded=ingested.superseded,
        )


class Provenance(ReadSchema):
    batch_id: uuid.UUID
    account_id: uuid.UUID = Field(description="The integration that sent the batch.")
    api_key_id: uuid.UUID | None = Field(description="The key it came with (none once deleted).")
    received_at: dt.datetime

    @classmethod
    def of(cls, batch: MeasurementBatch) -> Provenance:
        return cls(
            batch_id=batch.id,
            account_id=batch.account_id,
            api_key_id=batch.api_key_id,
            received_at=batch.created_at,
        )


class MeasurementRead(ReadSchema):
    id: uuid.UUID
    bid_id: uuid.UUID
    hypothesis_id: uuid.UUID | None
    indicator: str
    period_start: dt.date
    period_end: dt.date
    value: float
    source: str
    superseded_at: dt.datetime | None = Field(description="When a correction replaced it.")
    provenance: Provenance

    @classmethod
    def of(cls, row: Measurement, batch: MeasurementBatch) -> MeasurementRead:
        return cls(
            id=row.id,
            bid_id=row.bid_id,
            hypothesis_id=row.hypothesis_id,
            indicator=row.indicator_name,
            period_start=row.period_start,
            period_end=row.period_end,
            value=row.value,
            source=row.source,
            superseded_at=row.superseded_at,
            provenance=Provenance.of(batch),
        )


class SpendRead(ReadSchema):
    id: uuid.UUID
    bid_id: uuid.UUID
    cost_line_id: uuid.UUID
    year: int
    amount: float
    source: str
    superseded_at: dt.datetime | None = Field(description="When a correction replaced it.")
    provenance: Provenance

    @classmethod
    def of(cls, row: Spend, batch: MeasurementBatch) -> SpendRead:
        return cls(
            id=row.id,
            bid_id=row.bid_id,
            cost_line_id=row.cost_line_id,
            year=row.year,
            amount=row.amount,
            source=row.source,
            superseded_at=row.superseded_at,
            provenance=Provenance.of(batch),
        )
