"""An allowance's first use, as a station reported it: which attempt, when, where, which event.

Frozen DDL: this revision never changes once released; later changes get a new revision.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("used_attempt_id", "used_station_id", "used_event_id")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("allowance", sa.Column(name, sa.String(), nullable=True))
    op.add_column("allowance", sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("allowance") as batch:
        for name in (*COLUMNS, "used_at"):
            batch.drop_column(name)
