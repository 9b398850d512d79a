"""The teacher page's throttle in the shape of mcdesk.throttle: hashed names, waits as seconds.

The old rows were keyed by the name as typed, of any length, and hold nothing but counts
of wrong passwords: they are dropped rather than re-keyed.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("teacher_throttle")
    op.create_table(
        "teacher_throttle",
        sa.Column("subject", sa.String(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("wait_left", sa.Float(), nullable=False),
        sa.Column("clock", sa.String(), nullable=False),
        sa.Column("clock_at", sa.Float(), nullable=False),
        sa.Column("last_try", sa.Float(), nullable=False),
    )
    op.create_index("ix_teacher_throttle_last_try", "teacher_throttle", ["last_try"])


def downgrade() -> None:
    op.drop_table("teacher_throttle")
    op.create_table(
        "teacher_throttle",
        sa.Column("username", sa.String(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("wait_until", sa.DateTime(timezone=True), nullable=True),
    )
