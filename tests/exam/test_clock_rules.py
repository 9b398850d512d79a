"""Wall-clock changes and suspends neither add nor remove time beyond the suspend rule."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from mcdesk.exam.engine import ExamEngine
from tests.exam.bank import blueprint, make_bank
from tests.exam.conftest import EngineFactory, FakeMonotonic, FakeWall, begin

BANK = make_bank()


def _run_seconds(engine: ExamEngine, mono: FakeMonotonic, seconds: int) -> None:
    for _ in range(seconds):
        mono.advance(1)
        engine.tick()


@pytest.mark.parametrize("jump", [timedelta(hours=2), timedelta(hours=-2)])
def test_a_wall_clock_jump_changes_nothing(
    make_engine: EngineFactory, mono: FakeMonotonic, wall: FakeWall, jump: timedelta
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    _run_seconds(engine, mono, 60)
    wall.shift(jump)
    _run_seconds(engine, mono, 60)
    assert engine.elapsed_s() == 120
    assert engine.remaining_s() == 1800 - 120
    engine.answer(item_id=engine.form["items"][0]["id"], response="a")
    assert engine.submit().document["timing"]["elapsed_s"] == 120


def test_a_suspend_while_running_is_not_charged_and_is_an_incident(
    make_engine: EngineFactory, mono: FakeMonotonic, store: Path
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    _run_seconds(engine, mono, 30)
    mono.advance(600)  # the laptop lid was closed for ten minutes
    _run_seconds(engine, mono, 30)
    # The one-second step that contained the jump is lost too: the learner's favour.
    assert engine.elapsed_s() == 59
    result = engine.submit()
    (suspend,) = result.document["incidents"]
    assert suspend["kind"] == "suspend"
    assert suspend["seconds"] == 601
    with sqlite3.connect(store) as connection:
        bodies = [json.loads(b) for (b,) in connection.execute("SELECT body FROM outbox")]
    assert any(b.get("incident") == "suspend" for b in bodies)


def test_a_suspend_while_paused_is_not_charged(
    make_engine: EngineFactory, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    _run_seconds(engine, mono, 45)
    engine.unlock(attempt_id, action="pause", counter=2)
    engine.pause()
    mono.advance(600)
    engine.unlock(attempt_id, action="resume", counter=3)
    engine.resume()
    _run_seconds(engine, mono, 15)
    assert engine.elapsed_s() == 60
    assert engine.submit().document["incidents"] == []


def test_time_while_the_app_is_dead_is_not_charged(
    make_engine: EngineFactory, mono: FakeMonotonic, wall: FakeWall
) -> None:
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    _run_seconds(engine, mono, 90)
    # The process dies; ten minutes pass on both clocks before it starts again.
    mono.advance(600)
    wall.shift(timedelta(minutes=10))
    again = make_engine()
    again.load(attempt_id, blueprint=blueprint(), bank=BANK)
    assert again.state == "paused"
    mono.advance(5)  # the teacher walks over
    again.unlock(attempt_id, action="resume", counter=2)
    again.resume()
    assert again.remaining_s() == 1800 - 90
    _run_seconds(again, mono, 10)
    assert again.elapsed_s() == 100


def test_a_slow_tick_under_the_threshold_is_charged(
    make_engine: EngineFactory, mono: FakeMonotonic
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    mono.advance(29)  # the UI stalled: still the learner's time
    engine.tick()
    assert engine.elapsed_s() == 29
