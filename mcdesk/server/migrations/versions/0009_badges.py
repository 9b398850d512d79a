"""Badges: each issued badge with its status-list index, and the public base URL.

Frozen DDL: this revision never changes once released; later changes get a new revision.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge",
        sa.Column("credential_id", sa.String(), primary_key=True),
        sa.Column("result_id", sa.String(), sa.ForeignKey("result.id"), nullable=False),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), nullable=False),
        sa.Column("school_id", sa.String(), nullable=True),
        sa.Column("learner_id", sa.String(), nullable=False),
        sa.Column("pack_id", sa.String(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("jwt", sa.String(), nullable=False),
        sa.Column("assertion_jws", sa.String(), nullable=False),
        sa.Column("assertion", sa.String(), nullable=False),
        sa.Column("verify_url", sa.String(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(), nullable=True),
        sa.UniqueConstraint("result_id"),
        sa.UniqueConstraint("status_index"),
    )
    op.create_index("ix_badge_school_id", "badge", ["school_id"])
    op.create_index("ix_badge_learner_id", "badge", ["learner_id"])
    op.create_table(
        "badge_site",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_url", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("badge_site")
    op.drop_table("badge")
