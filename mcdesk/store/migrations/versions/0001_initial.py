"""Initial store: station, school roster, installed packs and their files.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "school",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
    )
    op.create_table(
        "teacher",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("username", sa.String(), nullable=False, unique=True),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
    )
    op.create_table(
        "school_class",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("teacher_id", sa.String(), sa.ForeignKey("teacher.id"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
    )
    op.create_table(
        "learner",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("class_id", sa.String(), sa.ForeignKey("school_class.id"), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("pin_hash", sa.String(), nullable=False),
    )
    op.create_index("ix_learner_class_id", "learner", ["class_id"])
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "pack",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("career_cluster", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("skill_titles", sa.String(), nullable=False),
        sa.Column("preview", sa.Boolean(), nullable=False),
        sa.Column("publisher_key_id", sa.String(), nullable=False),
        sa.Column("manifest", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_pack_career_cluster", "pack", ["career_cluster"])
    op.create_table(
        "pack_file",
        sa.Column(
            "pack_id", sa.String(), sa.ForeignKey("pack.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("path", sa.String(), primary_key=True),
        sa.Column("sha256", sa.String(), sa.ForeignKey("blob.sha256"), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("pack_file", "pack", "blob", "learner", "school_class", "teacher", "school"):
        op.drop_table(table)
    op.drop_table("station")
