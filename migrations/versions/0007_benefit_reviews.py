"""benefit reviews

A batch of measurements now marks its bids due for review instead of tracking them while the
client waits; the worker reviews due bids and alerts on changed verdicts. Each bid with
measurements starts due, with the verdicts its alerts so far announced as the last reviewed
ones, so the first review does not announce them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:15:00.000000
"""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALERTS = ("benefit.off_track", "hypothesis.refuted")


def upgrade() -> None:
    reviews = op.create_table(
        "benefit_reviews",
        sa.Column("bid_id", sa.Uuid(), nullable=False),
        sa.Column("verdicts", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("marks", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bids.id"], name=op.f("fk_benefit_reviews_bid_id_bids")
        ),
        sa.PrimaryKeyConstraint("bid_id", name=op.f("pk_benefit_reviews")),
    )
    with op.batch_alter_table("benefit_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_benefit_reviews_due_at"), ["due_at"], unique=False)

    connection = op.get_bind()
    measurements = sa.table("measurements", sa.column("bid_id", sa.Uuid()))
    events = sa.table(
        "outbox_events",
        sa.column("event_type", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    verdicts: dict[uuid.UUID, dict[str, str]] = {
        bid_id: {} for bid_id in connection.scalars(sa.select(measurements.c.bid_id).distinct())
    }
    alerts = sa.select(events.c.payload).where(events.c.event_type.in_(ALERTS))
    for payload in connection.scalars(alerts.order_by(events.c.created_at)):  # latest wins
        bid = verdicts.get(uuid.UUID(payload["bid_id"]))
        if bid is not None:
            bid[payload["hypothesis_id"]] = payload["verdict"]
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"bid_id": bid_id, "verdicts": known, "due_at": now, "marks": 1, "reviewed_at": None}
        for bid_id, known in sorted(verdicts.items())
    ]
    if rows:
        op.bulk_insert(reviews, rows)


def downgrade() -> None:
    with op.batch_alter_table("benefit_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benefit_reviews_due_at"))

    op.drop_table("benefit_reviews")
