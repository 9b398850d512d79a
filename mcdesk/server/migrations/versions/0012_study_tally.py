"""The study tally and the learner event index, filled from the events already stored.

Frozen: the DDL and the backfill's fold are this revision's own (they import no live
code), so the revision does the same thing whenever it runs. Later pushes keep both
tables up to date (mcdesk.server.study_tally.record).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STUDY = ("skill_opened", "active_time", "skill_studied", "selfcheck_result", "link_opened")
NAMED = (*STUDY, "exam_incident")
MAX_INT = 2**31 - 1
MAX_TEXT = 200


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


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fold(row: dict[str, Any], kind: str, body: dict[str, Any], at: int | None) -> None:
    if at is not None:
        row["last_ms"] = at if row["last_ms"] is None else max(row["last_ms"], at)
    if kind == "skill_opened":
        row["opened"] = True
    elif kind == "skill_studied":
        row["marked"] = True
    elif kind == "link_opened":
        row["links"] += 1
    elif kind == "active_time":
        seconds = body.get("active_seconds")
        if isinstance(seconds, int) and not isinstance(seconds, bool) and 0 <= seconds <= MAX_INT:
            row["seconds"] = max(row["seconds"], seconds)
    elif kind == "selfcheck_result":
        run_id, credit, total = body.get("run_id"), body.get("credit"), body.get("total")
        if not isinstance(run_id, str) or _text(run_id) is None or not _number(total):
            return
        if not isinstance(credit, int | float) or isinstance(credit, bool):
            return
        if not isinstance(total, int) or not (0 <= total <= MAX_INT and abs(credit) <= MAX_INT):
            return
        if row["run_id"] is None or run_id > row["run_id"]:
            row.update(run_id=run_id, run_credit=float(credit), run_total=total)


def _backfill(connection: sa.Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    event = sa.table(
        "event",
        sa.column("station_id", sa.String()),
        sa.column("event_id", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("body", sa.LargeBinary()),
    )
    tallies: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    named: list[dict[str, Any]] = []
    query = sa.select(event.c.station_id, event.c.event_id, event.c.kind, event.c.body).where(
        event.c.kind.in_(NAMED)
    )
    for station_id, event_id, kind, body in connection.execute(query):
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if not isinstance(document, dict):
            continue
        learner, at = _text(document.get("learner_id")), _ms(event_id)
        if learner is not None and at is not None:
            named.append(
                {"station_id": station_id, "event_id": event_id, "learner_id": learner,
                 "kind": kind, "at_ms": at}
            )  # fmt: skip
        pack, skill = _text(document.get("pack_id")), _text(document.get("skill_id"))
        if kind not in STUDY or learner is None or pack is None or skill is None:
            continue
        row = tallies.setdefault(
            (learner, pack, skill, station_id),
            {"learner_id": learner, "pack_id": pack, "skill_id": skill,
             "station_id": station_id, "opened": False, "marked": False, "seconds": 0,
             "run_id": None, "run_credit": None, "run_total": None, "links": 0,
             "last_ms": None},
        )  # fmt: skip
        _fold(row, kind, document, at)
    return list(tallies.values()), named


def upgrade() -> None:
    tally = op.create_table(
        "study_tally",
        sa.Column("learner_id", sa.String(), primary_key=True),
        sa.Column("pack_id", sa.String(), primary_key=True),
        sa.Column("skill_id", sa.String(), primary_key=True),
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(), nullable=True),
        sa.Column("run_credit", sa.Float(), nullable=True),
        sa.Column("run_total", sa.Integer(), nullable=True),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=True),
    )
    index = op.create_table(
        "learner_event",
        sa.Column("station_id", sa.String(), sa.ForeignKey("station.id"), primary_key=True),
        sa.Column("event_id", sa.String(), primary_key=True),
        sa.Column("learner_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_learner_event_learner_id", "learner_event", ["learner_id"])
    rows, named = _backfill(op.get_bind())
    if rows:
        op.bulk_insert(tally, rows)
    if named:
        op.bulk_insert(index, named)


def downgrade() -> None:
    op.drop_table("learner_event")
    op.drop_table("study_tally")
