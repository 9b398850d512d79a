"""The live board: stations' live state and proctor commands.

Frozen DDL: this revision never changes once released; later changes get a new revision.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_state",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("learner_id", sa.String(), nullable=True),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_live_state_learner_id", "live_state", ["learner_id"])
    op.create_index("ix_live_state_changed_at", "live_state", ["changed_at"])
    op.create_table(
        "proctor_command",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False),
        sa.Column("attempt_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.String(), nullable=False),
        sa.Column("issued_by", sa.String(), sa.ForeignKey("teacher.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
    )
    op.create_index("ix_proctor_command_station_id", "proctor_command", ["station_id"])


def downgrade() -> None:
    op.drop_table("proctor_command")
    op.drop_table("live_state")
