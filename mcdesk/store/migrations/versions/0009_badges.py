"""The learner's wallet: badges the school server issued, as the station received them.

Plain SQL, read and written with raw sqlite3 by mcdesk.study.wallet and
mcdesk.sync.apply_badges (the home screen reads it before any ORM is imported).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Frozen here: the table as this revision made it, whatever the wallet does later.
TABLES = (
    """CREATE TABLE badge (
        credential_id TEXT PRIMARY KEY,
        learner_id TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        result_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('issued', 'revoked')),
        jwt TEXT NOT NULL,
        assertion_jws TEXT,
        verify_url TEXT,
        issued_at TEXT NOT NULL,
        revoked_reason TEXT,
        received_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_badge_learner ON badge (learner_id, pack_id)",
)


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE badge")
