"""Realised measurements and actual spend from integrations: a batch is checked whole, then
stored whole or not at all; a correction supersedes the row it corrects, which is kept."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth import Principal
from app.problems import FieldError, Forbidden, NotFound, ValidationFailed
from app.repositories.bids import Bids
from app.repositories.measurements import FundedBid, MeasurementKey, Measurements, SpendKey
from app.schemas.keys import Role
from app.schemas.measurements import MeasurementBatchIn, MeasurementIn, SpendIn
from app.services import benefit_alerts
from app.tables import Bid, Measurement, MeasurementBatch, Spend
from bpv.lifecycle import BidStatus

# A bid takes measurements from its decision to approve it until it is closed.
TAKING_MEASUREMENTS = frozenset(
    {BidStatus.APPROVED, BidStatus.APPROVED_WITH_CONDITIONS, BidStatus.IN_DELIVERY}
)


@dataclass(frozen=True)
class Ingested:
    batch_id: uuid.UUID
    measurements: int
    spend: int
    superseded: int


@dataclass(frozen=True)
class _Error:
    """A bad item's error, sortable into the batch's order."""

    section: int  # 0 measurements, 1 spend
    index: int
    error: FieldError


@dataclass
class MeasurementService:
    session: Session
    principal: Principal

    @property
    def repository(self) -> Measurements:
        return Measurements(self.session)

    def ingest(self, batch: MeasurementBatchIn) -> Ingested:
        """Check every item, then store them all with the batch's provenance, or raise one 422
        naming every bad item and store nothing."""
        if self.principal.role is not Role.INTEGRATION:
            raise Forbidden("Only an integration key posts measurements.")
        footprint_id = self.principal.footprint_id
        assert footprint_id is not None  # an integration key is scoped to a footprint
        measurements, spend = batch.items()
        bid_ids = {item.bid_id for _, item in measurements} | {item.bid_id for _, item in spend}
        bids = self.repository.funded_bids(footprint_id, bid_ids, with_cost_lines=bool(spend))

        errors = [
            _Error(0 if e.field.startswith("measurements") else 1, _index_of(e.field), e)
            for e in batch.schema_errors()
        ]
        measurement_errors, resolved = _check_measurements(measurements, bids)
        errors += measurement_errors
        errors += _check_spend(spend, bids)
        if errors:
            errors.sort(key=lambda e: (e.section, e.index))
            items = len(batch.measurements) + len(batch.spend)
            bad = len({(e.section, e.index) for e in errors})
            raise ValidationFailed(
                f"{bad} of the batch's {items} items are not valid; nothing was stored.",
                errors=[e.error for e in errors],
            )
        return self._store(footprint_id, resolved, spend, sorted(bid_ids))

    def _store(
        self,
        footprint_id: uuid.UUID,
        measurements: list[tuple[MeasurementIn, uuid.UUID | None]],
        spend: list[tuple[int, SpendIn]],
        bid_ids: list[uuid.UUID],
    ) -> Ingested:
        repository = self.repository
        now = dt.datetime.now(dt.UTC)
        batch = repository.add_batch(
            MeasurementBatch(
                id=uuid.uuid4(),
                created_at=now,
                account_id=self.principal.account,
                api_key_id=self.principal.key_id,
                footprint_id=footprint_id,
                measurement_count=len(measurements),
                spend_count=len(spend),
            )
        )
        measurement_rows = _measurement_rows(batch, measurements)
        spend_rows = [_spend_row(batch, item) for _, item in spend]
        corrected = repository.current_measurements([_measurement_key(m) for m, _ in measurements])
        corrected_spend = repository.current_spend([_spend_key(s) for _, s in spend])
        repository.supersede(Measurement, corrected)
        repository.supersede(Spend, corrected_spend)
        repository.insert(Measurement, measurement_rows)
        repository.insert(Spend, spend_rows)
        benefit_alerts.mark_due(self.session, bid_ids)
        return Ingested(
            batch.id, len(measurement_rows), len(spend_rows), len(corrected) + len(corrected_spend)
        )

    # Reading

    def bid(self, bid_id: uuid.UUID) -> Bid:
        """The bid if the caller may see it: its footprint's keys, its round's panel, admins."""
        bid = Bids(self.session, self.principal).get(bid_id)
        if bid is None:
            raise NotFound(f"No bid {bid_id}.")
        return bid

    def measurements(
        self, bid: Bid, limit: int, offset: int, *, include_history: bool
    ) -> tuple[list[tuple[Measurement, MeasurementBatch]], int]:
        return self.repository.measurements(bid.id, limit, offset, include_history=include_history)

    def spend(
        self, bid: Bid, limit: int, offset: int, *, include_history: bool
    ) -> tuple[list[tuple[Spend, MeasurementBatch]], int]:
        return self.repository.spend(bid.id, limit, offset, include_history=include_history)


class _Errors(list[_Error]):
    def add(self, section: int, index: int, field: str, message: str) -> None:
        name = "measurements" if section == 0 else "spend"
        self.append(_Error(section, index, _field_error(f"{name}[{index}].{field}", message)))


def _check_measurements(
    items: list[tuple[int, MeasurementIn]], bids: dict[uuid.UUID, FundedBid]
) -> tuple[list[_Error], list[tuple[MeasurementIn, uuid.UUID | None]]]:
    """The items' errors, and each item with the hypothesis it is stored under: the one it
    names, else the one hypothesis naming its indicator (none when several do)."""
    errors = _Errors()
    resolved: list[tuple[MeasurementIn, uuid.UUID | None]] = []
    first_of: dict[MeasurementKey, int] = {}
    unfit = _unfit_bids(bids)
    for index, item in items:
        if item.period_end < item.period_start:
            errors.add(0, index, "period_end", "the period ends before it starts")
        key = (item.bid_id, item.indicator, item.period_start, item.period_end, item.source)
        if key in first_of:
            errors.add(
                0,
                index,
                "source",
                f"repeats measurements[{first_of[key]}]: the same bid, indicator, period and "
                "source (send one figure per period and source; a later batch corrects it)",
            )
        else:
            first_of[key] = index
        bid = bids.get(item.bid_id)
        if bid is None or item.bid_id in unfit:
            errors.add(0, index, "bid_id", _why_unfit(item.bid_id, bid))
            continue
        naming = bid.hypotheses_naming(item.indicator)
        if not naming:
            known = ", ".join(sorted(set(bid.hypotheses.values()))) or "none"
            errors.add(
                0,
                index,
                "indicator",
                f"no hypothesis of the bid's decided version names indicator "
                f"{item.indicator!r} (they name: {known})",
            )
        if item.hypothesis_id is None:
            resolved.append((item, naming[0] if len(naming) == 1 else None))
            continue
        named = bid.hypotheses.get(item.hypothesis_id)
        if named is None:
            errors.add(
                0,
                index,
                "hypothesis_id",
                f"no hypothesis {item.hypothesis_id} in the bid's decided version",
            )
        elif naming and named != item.indicator:
            errors.add(
                0,
                index,
                "hypothesis_id",
                f"hypothesis {item.hypothesis_id} names indicator {named!r}, not "
                f"{item.indicator!r}",
            )
        resolved.append((item, item.hypothesis_id))
    return errors, resolved


def _check_spend(
    items: list[tuple[int, SpendIn]], bids: dict[uuid.UUID, FundedBid]
) -> list[_Error]:
    errors = _Errors()
    first_of: dict[SpendKey, int] = {}
    unfit = _unfit_bids(bids)
    for index, item in items:
        key = _spend_key(item)
        if key in first_of:
            errors.add(
                1,
                index,
                "source",
                f"repeats spend[{first_of[key]}]: the same bid, cost line, year and source",
            )
        else:
            first_of[key] = index
        bid = bids.get(item.bid_id)
        if bid is None or item.bid_id in unfit:
            errors.add(1, index, "bid_id", _why_unfit(item.bid_id, bid))
            continue
        if item.cost_line_id not in bid.cost_line_ids:
            errors.add(
                1,
                index,
                "cost_line_id",
                f"no cost line {item.cost_line_id} in the bid's decided version",
            )
    return errors


def _unfit_bids(bids: dict[uuid.UUID, FundedBid]) -> set[uuid.UUID]:
    return {
        bid.id
        for bid in bids.values()
        if bid.status not in TAKING_MEASUREMENTS or bid.decided_version is None
    }


def _why_unfit(bid_id: uuid.UUID, bid: FundedBid | None) -> str:
    """Why the item's bid takes no measurements. A bid of another footprint is reported as
    unknown, as one that does not exist: its existence is not disclosed."""
    if bid is None:
        return f"no bid {bid_id} that this key posts for"
    return f"the bid is {bid.status}: measurements are taken for approved bids and bids in delivery"


def _field_error(field: str, message: str) -> FieldError:
    # "domain": a rule beyond the item's schema, as the service's other such errors are typed.
    return FieldError(field=field, location="body", message=message, type="domain")


def _index_of(path: str) -> int:
    return int(path.split("[", 1)[1].split("]", 1)[0])


def _measurement_key(item: MeasurementIn) -> MeasurementKey:
    return (item.bid_id, item.indicator, item.period_start, item.period_end, item.source)


def _spend_key(item: SpendIn) -> SpendKey:
    return (item.bid_id, item.cost_line_id, item.year, item.source)


def _measurement_rows(
    batch: MeasurementBatch, items: list[tuple[MeasurementIn, uuid.UUID | None]]
) -> list[dict[str, Any]]:
    # One tight pass: at 10,000 items a batch, each step per row shows.
    batch_id, created_at, new_id = batch.id, batch.created_at, uuid.uuid4
    return [
        {
            "id": new_id(),
            "created_at": created_at,
            "batch_id": batch_id,
            "bid_id": item.bid_id,
            "hypothesis_id": hypothesis_id,
            "indicator_name": item.indicator,
            "period_start": item.period_start,
            "period_end": item.period_end,
            "value": item.value,
            "source": item.source,
        }
        for item, hypothesis_id in items
    ]


def _spend_row(batch: MeasurementBatch, item: SpendIn) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "created_at": batch.created_at,
        "batch_id": batch.id,
        "bid_id": item.bid_id,
        "cost_line_id": item.cost_line_id,
        "year": item.year,
        "amount": item.amount,
        "source": item.source,
    }
