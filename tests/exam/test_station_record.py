"""The standalone station's own record for its teacher page: real attempts made through the
exam engine on a real SQLite store, read back newest first with their incidents."""

from __future__ import annotations

import sqlite3
from datetime import UTC, timedelta
from pathlib import Path

from mcdesk.exam.record_pages import RecordQuery, station_page
from tests.exam.bank import OTHER_LEARNER, blueprint, make_bank, right, wrong
from tests.exam.conftest import EngineFactory, FakeMonotonic, FakeWall, begin

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


def test_attempts_incidents_and_results_newest_first(
    make_engine: EngineFactory, store: Path, mono: FakeMonotonic, wall: FakeWall
) -> None:
    engine = make_engine()
    # Ada: every answer right, a window left once, submitted: a pass.
    begin(engine, bank=BANK, blueprint=blueprint())
    for item in engine.form["items"]:
        mono.advance(10)
        engine.answer(item_id=item["id"], response=right(BY_ID[item["id"]]))
    engine.incident(kind="focus_lost", detail="the assessment window lost the focus")
    engine.submit()

    # Ben, ten minutes later: every answer wrong, time runs out: not yet.
    wall.shift(timedelta(minutes=10))
    begin(engine, bank=BANK, blueprint=blueprint(), learner_id=OTHER_LEARNER, counter=2)
    for item in engine.form["items"]:
        engine.answer(item_id=item["id"], response=wrong(BY_ID[item["id"]]))
    for _ in range(31 * 6):  # a tick every 10 s, as the screen's clock does
        mono.advance(10)
        engine.tick()
    assert engine.state == "scored"
    engine.close()

    # Ada again, later still: the station crashes mid-attempt, a screen is plugged in.
    wall.shift(timedelta(minutes=10))
    engine = make_engine()
    crashed = begin(engine, bank=make_bank(), blueprint=blueprint(retake={}), counter=3)
    engine.incident(kind="screen_added", detail="HDMI-1")
    again = make_engine()  # the process died: a new engine finds the attempt
    assert again.resume_interrupted(learner_id="learner-ada") == crashed

    lines = station_page(store, teacher_username="teach", zone=UTC).lines
    assert [(line.learner, line.state, line.outcome) for line in lines] == [
        ("Ada", "Paused", ""),
        ("Ben", "Time ran out", "Not yet"),
        ("Ada", "Submitted", "Pass"),
    ]
    latest, ben, ada = lines
    assert latest.attempt_id == crashed
    assert latest.score == ""
    assert [i.words for i in latest.incidents] == [
        "a screen was connected",
        "resumed after a crash",
    ]
    assert latest.incidents[0].detail == "HDMI-1"
    assert ben.score == "0 of 6 (0%)"
    assert ben.incidents == ()
    assert ada.score == "6 of 6 (100%)"
    (left,) = ada.incidents
    assert (left.words, left.detail) == ("left the window", "the assessment window lost the focus")
    assert ada.started == "2026-11-22 09:30"  # the wall clock at the start, in the zone given
    assert ada.title == "sample-pack"  # the pack is not installed here: its id stands in


def test_a_teacher_sees_only_learners_of_their_own_classes(
    make_engine: EngineFactory, store: Path
) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    with sqlite3.connect(store) as connection:
        connection.execute(
            "INSERT INTO teacher (id, school_id, username, display_name, password_hash) "
            "VALUES ('t2', 's1', 'other', 'Mr Other', 'x')"
        )
    assert len(station_page(store, teacher_username="teach").lines) == 1
    assert station_page(store, teacher_username="other").lines == ()
    assert station_page(store, teacher_username="nobody").total == 0


def test_the_teachers_name_is_trimmed(make_engine: EngineFactory, store: Path) -> None:
    engine = make_engine()
    begin(engine, bank=BANK, blueprint=blueprint())
    engine.submit()
    page = station_page(store, teacher_username=" teach ", query=RecordQuery(size=1))
    assert (len(page.lines), page.total, page.first, page.has_older) == (1, 1, 1, False)
