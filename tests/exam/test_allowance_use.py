"""Using a teacher's allowance and creating the attempt that needed it: one transaction.

Failures are injected by the database itself (a trigger that aborts the statement), in
a real store, between the attempt's insert and the allowance's use: neither survives.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mcdesk.exam.allowance_use import AllowanceGoneError
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.retake import retake_allowed
from mcdesk.protocol.allowances import read_use
from tests.exam.bank import LEARNER, PACK, VERSION, blueprint, make_bank, wrong
from tests.exam.conftest import EngineFactory, FakeWall, begin

BANK = make_bank()
RULE = {"requires_review": False, "max_attempts_per_day": 1}


def _fail_once_today(engine: ExamEngine) -> None:
    begin(engine, bank=BANK, blueprint=blueprint(retake=RULE))
    by_id = {item["id"]: item for item in BANK}
    for shown in engine.form["items"]:
        engine.answer(item_id=shown["id"], response=wrong(by_id[shown["id"]]))
    engine.submit()


def _allow_extra(store: Path) -> tuple[str, ...]:
    """An extra attempt for today's spent limit; the allowances the rule now counts on."""
    with sqlite3.connect(store) as connection:
        connection.execute(
            "INSERT INTO allowance (id, learner_id, pack_id, kind, reason, granted_by, granted_at)"
            " VALUES ('allow-1', ?, ?, 'extra_attempt', 'Fire drill', 'Ms Lee',"
            " '2026-11-22T09:00:00+00:00')",
            (LEARNER, PACK),
        )
    return _rule_allowances(store)


def _rule_allowances(store: Path) -> tuple[str, ...]:
    with sqlite3.connect(store) as connection:
        decision = retake_allowed(
            connection, learner_id=LEARNER, pack_id=PACK, blueprint=blueprint(retake=RULE),
            now=FakeWall().now,
        )  # fmt: skip
    return decision.allowances if decision.allowed else ()


def _create(engine: ExamEngine, allowances: tuple[str, ...]) -> str:
    return engine.create_attempt(
        learner_id=LEARNER, pack_id=PACK, pack_version=VERSION,
        blueprint=blueprint(retake=RULE), bank=BANK, allowances=allowances,
    )  # fmt: skip


def _facts(store: Path) -> tuple[int, int, object, int]:
    """Attempts, exam-log entries, the allowance's use, allowance_used events."""
    with sqlite3.connect(store) as connection:
        (attempts,) = connection.execute("SELECT count(*) FROM attempt").fetchone()
        (entries,) = connection.execute("SELECT count(*) FROM exam_event").fetchone()
        (used,) = connection.execute("SELECT used_by_attempt FROM allowance").fetchone()
        (events,) = connection.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'allowance_used'"
        ).fetchone()
    return attempts, entries, used, events


def test_the_attempt_uses_its_allowance_and_queues_the_use_in_one_commit(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    engine = make_engine()
    _fail_once_today(engine)
    allowances = _allow_extra(store)
    assert allowances == ("allow-1",)
    attempt_id = _create(engine, allowances)

    assert _facts(store)[2:] == (attempt_id, 1)
    with sqlite3.connect(store) as connection:
        (body,) = connection.execute(
            "SELECT body FROM outbox WHERE kind = 'allowance_used'"
        ).fetchone()
        (created,) = connection.execute(
            "SELECT body FROM exam_event WHERE kind = 'created' AND attempt_id = ?", (attempt_id,)
        ).fetchone()
    use = read_use(json.loads(body))
    assert use is not None
    assert (use.allowance_id, use.attempt_id, use.learner_id, use.pack_id) == (
        "allow-1", attempt_id, LEARNER, PACK,
    )  # fmt: skip
    assert use.used_at == wall.now
    assert json.loads(created)["data"]["allowances"] == ["allow-1"]  # in the signed log too
    assert _rule_allowances(store) == ()  # used up: the limit holds again


@pytest.mark.parametrize(
    "trigger",
    [
        # The allowance's use fails after the attempt and its log entry are written.
        "CREATE TRIGGER injected BEFORE UPDATE OF used_by_attempt ON allowance"
        " BEGIN SELECT RAISE(ABORT, 'injected: the use is not written'); END",
        # The use is written, then its event fails.
        "CREATE TRIGGER injected BEFORE INSERT ON outbox WHEN NEW.kind = 'allowance_used'"
        " BEGIN SELECT RAISE(ABORT, 'injected: the event is not written'); END",
    ],
    ids=["use-fails", "event-fails"],
)
def test_a_failure_between_the_attempt_and_the_use_leaves_neither(
    make_engine: EngineFactory, store: Path, trigger: str
) -> None:
    engine = make_engine()
    _fail_once_today(engine)
    allowances = _allow_extra(store)
    before = _facts(store)
    assert before[2:] == (None, 0)
    with sqlite3.connect(store) as connection:
        connection.execute(trigger)
    with pytest.raises(sqlite3.IntegrityError, match="injected"):
        _create(engine, allowances)
    assert _facts(store) == before  # no attempt, no log entry, the allowance still free
    with pytest.raises(Exception, match="no attempt"):
        engine.attempt_id  # noqa: B018  (nothing loaded: the failed attempt is not current)

    with sqlite3.connect(store) as connection:
        connection.execute("DROP TRIGGER injected")
    attempt_id = _create(engine, _rule_allowances(store))  # offered again, and it works
    attempts, entries, used, events = _facts(store)
    assert (attempts, used, events) == (before[0] + 1, attempt_id, 1)
    assert entries == before[1] + 1


def test_an_allowance_used_meanwhile_stops_the_attempt(
    make_engine: EngineFactory, store: Path
) -> None:
    engine = make_engine()
    _fail_once_today(engine)
    allowances = _allow_extra(store)
    with sqlite3.connect(store) as connection:  # a pull said another station used it
        connection.execute("UPDATE allowance SET used_by_attempt = 'attempt-elsewhere'")
    before = _facts(store)
    with pytest.raises(AllowanceGoneError, match="used already"):
        _create(engine, allowances)
    assert _facts(store) == before
