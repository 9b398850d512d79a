"""The station's two throttles in the shape of mcdesk.throttle: waits as seconds still to serve.

A wait used to be a wall-clock time, which moving the clock ended. Each row keeps its
count; a wait still running at the upgrade carries over as the seconds it had left (at
most an hour), to be served on the monotonic clock of the next run.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen here: the columns as this revision made them, whatever mcdesk.throttle does later.
COLUMNS = (
    "subject VARCHAR NOT NULL PRIMARY KEY,"
    " failures INTEGER NOT NULL DEFAULT 0,"
    " wait_left FLOAT NOT NULL DEFAULT 0,"
    " clock VARCHAR NOT NULL DEFAULT '',"
    " clock_at FLOAT NOT NULL DEFAULT 0,"
    " last_try FLOAT NOT NULL DEFAULT 0"
)
LONGEST_WAIT_S = 3600.0


def _seconds_left(wait_until: object, now: datetime) -> float:
    if not isinstance(wait_until, str):
        return 0.0
    try:
        until = datetime.fromisoformat(wait_until)
    except ValueError:
        return 0.0  # a damaged row: the count carries over, the wait does not
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return min(max(0.0, (until - now).total_seconds()), LONGEST_WAIT_S)


def _rebuild(table: str, now: datetime) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT subject, failures, wait_until FROM {table}")).all()
    op.execute(f"DROP TABLE {table}")
    op.execute(f"CREATE TABLE {table} ({COLUMNS})")
    for subject, failures, wait_until in rows:
        bind.execute(
            sa.text(
                f"INSERT INTO {table} (subject, failures, wait_left, clock, clock_at, last_try)"
                " VALUES (:subject, :failures, :wait_left, '', 0, :last_try)"
            ),
            {
                "subject": subject,
                "failures": int(failures or 0),
                "wait_left": _seconds_left(wait_until, now),
                "last_try": now.timestamp(),
            },
        )


def upgrade() -> None:
    now = datetime.now(UTC)
    _rebuild("signin_throttle", now)
    _rebuild("code_throttle", now)


def downgrade() -> None:
    # Counts are kept; waits are not (there is no honest wall-clock time to give them).
    for table, when in (("signin_throttle", "DATETIME"), ("code_throttle", "TEXT")):
        bind = op.get_bind()
        rows = bind.execute(sa.text(f"SELECT subject, failures FROM {table}")).all()
        op.execute(f"DROP TABLE {table}")
        op.execute(
            f"CREATE TABLE {table} (subject VARCHAR NOT NULL PRIMARY KEY,"
            f" failures INTEGER NOT NULL DEFAULT 0, wait_until {when})"
        )
        for subject, failures in rows:
            bind.execute(
                sa.text(f"INSERT INTO {table} (subject, failures) VALUES (:s, :f)"),
                {"s": subject, "f": failures},
            )
