"""Schools, teachers, classes, learners and one-time enrolment tokens.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "school",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False, unique=True),
    )
    op.create_table(
        "teacher",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("username", sa.String(), nullable=False, unique=True),
        sa.Column("display_name", sa.String(), nullable=False),
    )
    op.create_table(
        "school_class",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.UniqueConstraint("school_id", "name"),
    )
    op.create_table(
        "learner",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("class_id", sa.String(), sa.ForeignKey("school_class.id"), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.UniqueConstraint("class_id", "display_name"),
    )
    op.create_table(
        "enrol_token",
        sa.Column("token_hash", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("station_name", sa.String(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.Column("station_id", sa.String(), nullable=True),
    )


def downgrade() -> None:
    for table in ("enrol_token", "learner", "school_class", "teacher", "school"):
        op.drop_table(table)
