"""The study tally keeps when each skill was last reviewed, filled from the stored events.

``reviewed_ms``: the newest ``skill_opened`` or ``selfcheck_result`` event of the row's
learner, skill and station (the station's retake rule counts only those as studying a
skill since an attempt; ``last_ms`` counts every study event). Frozen: the kinds and the
fold are this revision's own, so it does the same thing whenever it runs. Later pushes
keep the column up to date (mcdesk.server.study_tally.record).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

REVIEW = ("skill_opened", "selfcheck_result")
MAX_TEXT = 200
UPDATE_ROWS = 500


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    return value


def _ms(event_id: str) -> int | None:
    digits = event_id.replace("-", "")[:12]
    try:
        return int(digits, 16) if len(digits) == 12 else None
    except ValueError:
        return None


def _reviewed(connection: sa.Connection) -> dict[tuple[str, str, str, str], int]:
    """(learner, pack, skill, station) → the newest review event's milliseconds."""
    event = sa.table(
        "event",
        sa.column("station_id", sa.String()),
        sa.column("event_id", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("body", sa.LargeBinary()),
    )
    query = sa.select(event.c.station_id, event.c.event_id, event.c.body).where(
        event.c.kind.in_(REVIEW)
    )
    newest: dict[tuple[str, str, str, str], int] = {}
    # In batches (a server-side cursor on PostgreSQL): the event table may be large.
    rows = connection.execute(query.execution_options(yield_per=1000))
    for station_id, event_id, body in rows:
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if not isinstance(document, dict):
            continue
        learner, pack, skill = (
            _text(document.get(name)) for name in ("learner_id", "pack_id", "skill_id")
        )
        at = _ms(event_id)
        if learner is None or pack is None or skill is None or at is None:
            continue
        key = (learner, pack, skill, station_id)
        newest[key] = max(newest.get(key, at), at)
    return newest


def upgrade() -> None:
    op.add_column("study_tally", sa.Column("reviewed_ms", sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    tally = sa.table(
        "study_tally",
        sa.column("learner_id", sa.String()),
        sa.column("pack_id", sa.String()),
        sa.column("skill_id", sa.String()),
        sa.column("station_id", sa.String()),
        sa.column("reviewed_ms", sa.BigInteger()),
    )
    update = (
        sa.update(tally)
        .where(
            tally.c.learner_id == sa.bindparam("k_learner"),
            tally.c.pack_id == sa.bindparam("k_pack"),
            tally.c.skill_id == sa.bindparam("k_skill"),
            tally.c.station_id == sa.bindparam("k_station"),
        )
        .values(reviewed_ms=sa.bindparam("k_ms"))
    )
    rows = [
        {"k_learner": learner, "k_pack": pack, "k_skill": skill, "k_station": station, "k_ms": ms}
        for (learner, pack, skill, station), ms in sorted(_reviewed(connection).items())
    ]
    for start in range(0, len(rows), UPDATE_ROWS):
        connection.execute(update, rows[start : start + UPDATE_ROWS])


def downgrade() -> None:
    with op.batch_alter_table("study_tally") as batch:
        batch.drop_column("reviewed_ms")
