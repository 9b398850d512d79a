"""Teacher Resource Center: teacher roles, server-side web sessions, the cookie-signing key.

Frozen DDL: this revision never changes once released; later changes get a new revision.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teacher") as batch:
        batch.add_column(sa.Column("role", sa.String(), nullable=False, server_default="teacher"))
    op.create_table(
        "web_key",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(), primary_key=True),
        sa.Column("teacher_id", sa.String(), sa.ForeignKey("teacher.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_session_last_seen", "web_session", ["last_seen"])
    op.create_index("ix_web_session_teacher_id", "web_session", ["teacher_id"])


def downgrade() -> None:
    op.drop_table("web_session")
    op.drop_table("web_key")
    with op.batch_alter_table("teacher") as batch:
        batch.drop_column("role")
