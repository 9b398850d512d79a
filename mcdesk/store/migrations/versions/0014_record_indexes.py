"""Indexes for the teacher page's record: attempts by start time, exam events by attempt.

A page of the record is found by (created_at, id) and lists each attempt's incidents and
how it ended; without these each page scanned every attempt and, for every line, the
whole exam log (a year's record made a page cost tens of milliseconds).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_attempt_started ON attempt (created_at, id)")
    op.execute("CREATE INDEX ix_exam_event_attempt ON exam_event (attempt_id, kind)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_exam_event_attempt")
    op.execute("DROP INDEX ix_attempt_started")
