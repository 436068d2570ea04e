"""Funded bids with realised data: bids decided through the API, measurements and spend stored
as an accepted batch stores them (rows of the measurement tables)."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.tables import Account, Measurement, MeasurementBatch, Spend
from tests.app.conftest import Caller, World, good_logic_model, hypothesis_body, nurse_costs

# hypothesis_body(): admissions fall from 1200 (2017-04-01) to 1100 (2018-03-31), 1000
# (2019-03-31); cash releasing at 1650 a unit, net of additionality 0.9 x 0.8.
INDICATOR = "Emergency admissions"
BASELINE_DATE = dt.date(2017, 4, 1)


def predicted(on: dt.date) -> float:
    """hypothesis_body()'s trajectory at `on`, interpolated linearly from the baseline."""
    points = [(dt.date(2017, 4, 1), 1200.0), (dt.date(2018, 3, 31), 1100.0)]
    points.append((dt.date(2019, 3, 31), 1000.0))
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= on <= d1:
            return v0 + (v1 - v0) * (on - d0).days / (d1 - d0).days
    raise ValueError(on)


def months(first: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """`count` calendar months from `first`'s month: (first day, last day)."""
    out = []
    year, month = first.year, first.month
    for _ in range(count):
        last = calendar.monthrange(year, month)[1]
        out.append((dt.date(year, month, 1), dt.date(year, month, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def funded_bids(
    world: World,
    outcomes: list[str],
    *,
    caller: Caller | None = None,
    hypotheses: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> list[str]:
    """Bids of the world's round decided with `outcomes` (the round closed, then decided)."""
    caller = caller or world.office
    bids = []
    for _ in outcomes:
        bid = world.draft_bid(caller, cost_lines=[nurse_costs()], **fields)
        put = caller.put(
            f"/v1/bids/{bid['id']}/logic-model", json=good_logic_model(), headers={"If-Match": "*"}
        )
        assert put.status_code == 200, put.text
        for body in hypotheses or [hypothesis_body()]:
            caller.created(f"/v1/bids/{bid['id']}/hypotheses", body)
        submitted = caller.post(f"/v1/bids/{bid['id']}/submit")
        assert submitted.status_code == 200, submitted.text
        bids.append(bid["id"])
    return decide(world, bids, outcomes)


def decide(world: World, bids: list[str], outcomes: list[str]) -> list[str]:
    """The world's round closed, `bids` decided with `outcomes` by its chair, then decided."""
    world.move_round("closed")
    body = {
        "decisions": [
            {
                "bid_id": bid_id,
                "outcome": outcome,
                "rationale": "As the panel agreed.",
                **({"conditions": ["Quarterly reports."]} if "conditions" in outcome else {}),
            }
            for bid_id, outcome in zip(bids, outcomes, strict=True)
        ]
    }
    chair = world.key("chair", round_id=world.round["id"])  # the world's round may be new
    recorded = chair.post(f"/v1/rounds/{world.round['id']}/decisions", json=body)
    assert recorded.status_code == 201, recorded.text
    world.move_round("decided")
    return bids


def store(
    session: Session,
    bid_id: str,
    values: Iterable[tuple[tuple[dt.date, dt.date], float]],
    *,
    indicator: str = INDICATOR,
    source: str = "SUS",
    spend: Iterable[tuple[str, int, float]] = (),
) -> None:
    """Measurements (period, value) and spend (cost line id, year, amount) for one bid, as one
    batch of the bid's footprint's integration (in the caller's transaction)."""
    account = session.scalars(select(Account).where(Account.role == "integration")).first()
    assert account is not None and account.footprint_id is not None
    values, spend = list(values), list(spend)
    batch = MeasurementBatch(
        account_id=account.id,
        footprint_id=account.footprint_id,
        measurement_count=len(values),
        spend_count=len(spend),
    )
    session.add(batch)
    session.flush()
    for (start, end), value in values:
        session.add(
            Measurement(
                batch_id=batch.id,
                bid_id=uuid.UUID(bid_id),
                indicator_name=indicator,
                period_start=start,
                period_end=end,
                value=value,
                source=source,
            )
        )
    for line_id, year, amount in spend:
        session.add(
            Spend(
                batch_id=batch.id,
                bid_id=uuid.UUID(bid_id),
                cost_line_id=uuid.UUID(line_id),
                year=year,
                amount=amount,
                source=source,
            )
        )
    session.flush()


def store_now(engine: Engine, bid_id: str, values: Iterable[Any], **kwargs: Any) -> None:
    """`store` in a transaction of its own, committed."""
    with Session(engine) as session, session.begin():
        store(session, bid_id, values, **kwargs)


def on_trajectory(
    periods: list[tuple[dt.date, dt.date]], share: float = 1.0
) -> list[tuple[tuple[dt.date, dt.date], float]]:
    """Each period's value when `share` of the predicted improvement has come."""
    return [(p, 1200.0 - share * (1200.0 - predicted(p[1]))) for p in periods]
