"""Study mode: access grants, sign-in throttling, progress, self-check runs, learner
preferences, and the outbox.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_grant",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("pack_id", sa.String(), nullable=False),
        sa.Column("class_id", sa.String(), sa.ForeignKey("school_class.id"), nullable=True),
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), nullable=True),
        sa.Column("opens_at", sa.DateTime(), nullable=True),
        sa.Column("closes_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_access_grant_pack_id", "access_grant", ["pack_id"])
    op.create_table(
        "signin_throttle",
        sa.Column("subject", sa.String(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("wait_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "skill_progress",
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), primary_key=True),
        sa.Column("pack_id", sa.String(), primary_key=True),
        sa.Column("skill_id", sa.String(), primary_key=True),
        sa.Column("first_opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(), nullable=False),
        sa.Column("studied_at", sa.DateTime(), nullable=True),
        sa.Column("active_seconds", sa.Integer(), nullable=False),
    )
    op.create_table(
        "selfcheck_run",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), nullable=False),
        sa.Column("pack_id", sa.String(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("responses", sa.String(), nullable=False),
    )
    op.create_index("ix_selfcheck_run_learner_id", "selfcheck_run", ["learner_id"])
    op.create_table(
        "learner_prefs",
        sa.Column("learner_id", sa.String(), sa.ForeignKey("learner.id"), primary_key=True),
        sa.Column("text_scale", sa.Integer(), nullable=False),
        sa.Column("high_contrast", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("coalesce_key", sa.String(), nullable=True),
    )
    op.create_index("ix_outbox_coalesce_key", "outbox", ["coalesce_key"])
    # Stations seeded before grants existed keep their demo class's access to everything.
    op.execute(
        "INSERT INTO access_grant (id, pack_id, class_id) "
        "SELECT 'demo-grant-all', '*', id FROM school_class WHERE id = 'demo-class'"
    )


def downgrade() -> None:
    for table in (
        "outbox",
        "learner_prefs",
        "selfcheck_run",
        "skill_progress",
        "signin_throttle",
        "access_grant",
    ):
        op.drop_table(table)
