"""A teacher's allowances for one learner, as the ``allowances`` stream delivers them.

Plain SQL, written by mcdesk.sync.apply_allowances and read with raw sqlite3 by
mcdesk.exam.retake (an extra attempt or a waived review, used up by the next attempt).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Frozen here: the table as this revision made it.
TABLES = (
    """CREATE TABLE allowance (
        id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        used_by_attempt TEXT
    )""",
    "CREATE INDEX ix_allowance_learner_pack ON allowance (learner_id, pack_id)",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE allowance")
