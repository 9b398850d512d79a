"""Recording announcements read in the store: once per learner, only their class's."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine

from mcdesk.paths import Paths
from mcdesk.study.announcement_reads import record_reads
from tests.conftest import NOW
from tests.study.test_progress import ADA, _outbox


def _post(home: Paths, announcement_id: str, class_id: str) -> None:
    with sqlite3.connect(home.database) as raw:
        raw.execute(
            "INSERT INTO announcement (id, class_id, text, due_on, posted_at, posted_by)"
            " VALUES (?, ?, 'Quiz Friday', NULL, '2026-11-20T08:00:00', 'Ms Lee')",
            (announcement_id, class_id),
        )


def test_a_read_is_recorded_once_and_only_for_the_learners_own_class(
    demo_engine: Engine, home: Paths
) -> None:
    with sqlite3.connect(home.database) as raw:
        (ada_class,) = raw.execute("SELECT class_id FROM learner WHERE id = ?", (ADA,)).fetchone()
        raw.execute("INSERT INTO school_class (id, school_id, name, teacher_id) SELECT 'other',"
                    " school_id, 'Other', teacher_id FROM school_class WHERE id = ?",
                    (ada_class,))  # fmt: skip
    _post(home, "mine", ada_class)
    _post(home, "theirs", "other")
    ids = ["mine", "mine", "theirs", "never-posted"]
    assert record_reads(home.database, learner_id=ADA, announcement_ids=ids, now=NOW) == ["mine"]
    assert record_reads(home.database, learner_id=ADA, announcement_ids=ids, now=NOW) == []
    reads = [body for kind, body in _outbox(home) if kind == "announcement_read"]
    assert reads == [
        {"kind": "announcement_read", "learner_id": ADA, "announcement_id": "mine",
         "at": NOW.isoformat()}
    ]  # fmt: skip
    with sqlite3.connect(home.database) as raw:
        assert raw.execute(
            "SELECT learner_id, announcement_id FROM announcement_read"
        ).fetchall() == [(ADA, "mine")]
