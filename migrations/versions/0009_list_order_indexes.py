"""indexes in the order lists are paged; on SQLite, a bid version's logic model stored last

Lists page by keyset (after the last row's created_at and id), so each list's order, with the
filter it always has in front, gets an index: a deep page then costs what the first does. The
single-column indexes on bids.footprint_id, bids.round_id and assessments.round_id are the
prefixes of the new ones, and go.

SQLite stores a row's columns in table order, and a column after a large one is reached by
walking the large one's overflow pages: bid_versions' id, version and timestamps came after
`logic_model` (up to megabytes), so every read of a version paid for its model. The column is
moved to the end, in place (ALTER TABLE, never a copy of the table, whose DROP would cascade to
the versions' hypotheses). PostgreSQL keeps large values out of line, so it is left as it is.
The downgrade leaves the order: it is no part of the schema.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:05:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_bids_created_at_id', 'bids', ['created_at', 'id'])
    op.create_index(
        'ix_bids_footprint_id_created_at_id', 'bids', ['footprint_id', 'created_at', 'id']
    )
    op.create_index('ix_bids_round_id_created_at_id', 'bids', ['round_id', 'created_at', 'id'])
    op.drop_index('ix_bids_footprint_id', table_name='bids')
    op.drop_index('ix_bids_round_id', table_name='bids')
    op.create_index('ix_rounds_created_at_id', 'rounds', ['created_at', 'id'])
    op.create_index('ix_api_keys_created_at_id', 'api_keys', ['created_at', 'id'])
    op.create_index(
        'ix_assessments_round_id_created_at_id', 'assessments', ['round_id', 'created_at', 'id']
    )
    op.drop_index('ix_assessments_round_id', table_name='assessments')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE bid_versions ADD COLUMN logic_model_last JSON NOT NULL DEFAULT '{}'"
        )
        op.execute('UPDATE bid_versions SET logic_model_last = logic_model')
        op.execute('ALTER TABLE bid_versions DROP COLUMN logic_model')
        op.execute('ALTER TABLE bid_versions RENAME COLUMN logic_model_last TO logic_model')


def downgrade() -> None:
    op.create_index('ix_assessments_round_id', 'assessments', ['round_id'])
    op.drop_index('ix_assessments_round_id_created_at_id', table_name='assessments')
    op.drop_index('ix_api_keys_created_at_id', table_name='api_keys')
    op.drop_index('ix_rounds_created_at_id', table_name='rounds')
    op.create_index('ix_bids_round_id', 'bids', ['round_id'])
    op.create_index('ix_bids_footprint_id', 'bids', ['footprint_id'])
    op.drop_index('ix_bids_round_id_created_at_id', table_name='bids')
    op.drop_index('ix_bids_footprint_id_created_at_id', table_name='bids')
    op.drop_index('ix_bids_created_at_id', table_name='bids')
