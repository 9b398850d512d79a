"""Announcements read: one row per (announcement, learner), first read kept.

No backfill: no station sent ``announcement_read`` events before this revision. Later
pushes fill it (mcdesk.server.announcement_reads.record_reads).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcement_read",
        sa.Column("announcement_id", sa.String(), primary_key=True),
        sa.Column("learner_id", sa.String(), primary_key=True),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("read_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_announcement_read_learner_id", "announcement_read", ["learner_id"])


def downgrade() -> None:
    op.drop_table("announcement_read")
