"""Allowances: a teacher's extra attempt, waived review or cleared lockout for one learner.

Frozen DDL: this revision never changes once released; later changes get a new revision.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allowance",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), nullable=False),
        sa.Column("pack_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("granted_by", sa.String(), sa.ForeignKey("teacher.id"), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.UniqueConstraint("form_id", name="uq_allowance_form_id"),
    )
    op.create_index("ix_allowance_learner_id", "allowance", ["learner_id"])


def downgrade() -> None:
    op.drop_table("allowance")
