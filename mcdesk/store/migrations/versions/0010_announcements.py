"""Announcements and due dates per class, as the ``announcements`` stream delivers them.

Plain SQL, written by mcdesk.sync.apply_announcements and read with raw sqlite3 by
mcdesk.study.announcements for the learner's home screen.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Frozen here: the table as this revision made it.
TABLES = (
    """CREATE TABLE announcement (
        id TEXT PRIMARY KEY,
        class_id TEXT NOT NULL,
        text TEXT NOT NULL,
        due_on TEXT,
        posted_at TEXT NOT NULL,
        posted_by TEXT NOT NULL
    )""",
    "CREATE INDEX ix_announcement_class ON announcement (class_id, posted_at)",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE announcement")
