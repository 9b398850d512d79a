"""Which learner has read which announcement on this station, once each.

Plain SQL, written by mcdesk.study.announcement_reads with the ``announcement_read``
outbox event in the same transaction; the primary key makes a second read a no-op.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Frozen here: the table as this revision made it.
TABLES = (
    """CREATE TABLE announcement_read (
        learner_id TEXT NOT NULL,
        announcement_id TEXT NOT NULL,
        read_at TEXT NOT NULL,
        PRIMARY KEY (learner_id, announcement_id)
    )""",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE announcement_read")
