"""The roster applier on a station: upserts in order, careful deletes, the demo school."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcdesk.demo import seed_demo
from mcdesk.protocol.slots import FAST_TEST_PARAMS
from mcdesk.server.issuer import new_issuer_keys, seal_slots
from mcdesk.store.engine import make_engine
from mcdesk.study.signin import sign_in_learner
from mcdesk.sync.apply_codes import apply_code_slots
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.pull import PullRefused
from tests.conftest import NOW
from tests.sync.applying import Store, learner, new_store, roster, school, school_class, teacher


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


@pytest.fixture
def demo(store: Store) -> Store:
    engine = make_engine(store.database)
    seed_demo(engine)
    engine.dispose()
    store.execute(
        "INSERT INTO skill_progress (learner_id, pack_id, skill_id, first_opened_at,"
        " last_opened_at, active_seconds) VALUES ('demo-learner-01', 'p', 's', ?, ?, 5)",
        NOW.isoformat(),
        NOW.isoformat(),
    )
    store.execute(
        "INSERT INTO signin_throttle (subject, failures) VALUES ('learner:demo-learner-02', 3)"
    )
    return store


def test_a_page_in_any_order_lands_and_its_learners_can_sign_in(store: Store) -> None:
    store.apply(apply_roster, roster())
    assert store.rows("SELECT id, class_id FROM learner ORDER BY id") == [
        ("l1", "c1"),
        ("l2", "c1"),
    ]
    engine = make_engine(store.database)
    try:
        assert sign_in_learner(engine, learner_id="l1", pin="2468", now=NOW).ok
    finally:
        engine.dispose()
    store.apply(apply_roster, roster())  # the same page again changes nothing
    assert store.rows("SELECT count(*) FROM learner") == [(2,)]


def test_a_class_without_a_teacher_takes_the_school_first_or_is_refused(store: Store) -> None:
    with pytest.raises(PullRefused, match="add a teacher to school 'Northside' on the server"):
        store.apply(apply_roster, [school(), school_class(teacher_id=None)])
    assert store.rows("SELECT count(*) FROM school") == [(0,)]  # the page stored nothing
    store.apply(
        apply_roster,
        [school(), teacher("t2"), teacher("t1", username="abe"), school_class(teacher_id=None)],
    )
    assert store.rows("SELECT teacher_id FROM school_class") == [("t1",)]
    with pytest.raises(PullRefused, match="class:c9: its teacher t7 is not on this station"):
        store.apply(apply_roster, [school_class("c9", teacher_id="t7")])
    with pytest.raises(PullRefused, match="learner:l1: display_name is missing or not text"):
        store.apply(
            apply_roster, [("learner:l1", {"id": "l1", "class_id": "c1", "display_name": 3})]
        )
    with pytest.raises(PullRefused, match="not one of school, teacher, class, learner"):
        store.apply(apply_roster, [("pupil:l1", None)])


def test_a_deleted_learner_with_a_record_stays_but_cannot_sign_in(store: Store) -> None:
    store.apply(apply_roster, [*roster(), school_class("c2")])
    store.execute(
        "INSERT INTO learner_prefs (learner_id, text_scale, high_contrast) VALUES ('l1', 150, 0)"
    )
    store.apply(
        apply_roster,
        [("learner:l1", None), ("learner:l2", None), ("class:c2", None), ("class:c1", None)],
    )
    # l1 has preferences (a record of it): kept, PIN emptied. l2 and c2 had nothing: gone.
    # c1 still holds l1: kept.
    assert store.rows("SELECT id, pin_hash FROM learner") == [("l1", "")]
    assert store.rows("SELECT id FROM school_class") == [("c1",)]
    engine = make_engine(store.database)
    try:
        assert not sign_in_learner(engine, learner_id="l1", pin="2468", now=NOW).ok
    finally:
        engine.dispose()


def test_the_demo_school_goes_with_its_progress_on_the_first_roster(demo: Store) -> None:
    demo.apply(apply_roster, roster())
    assert demo.rows("SELECT id FROM school") == [("s1",)]
    assert demo.rows("SELECT count(*) FROM learner WHERE id LIKE 'demo-%'") == [(0,)]
    assert demo.rows("SELECT count(*) FROM skill_progress") == [(0,)]
    assert demo.rows("SELECT count(*) FROM signin_throttle") == [(0,)]
    assert demo.rows("SELECT count(*) FROM access_grant") == [(0,)]
    assert demo.rows("SELECT id FROM teacher") == [("t1",)]


def test_the_demo_school_stays_when_a_demo_learner_took_an_assessment(demo: Store) -> None:
    demo.execute(
        "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state,"
        " time_limit_s, created_at) VALUES ('a1', 'demo-learner-03', 'p', '1.0.0', 1, '{}',"
        " 'scored', 600, ?)",
        NOW.isoformat(),
    )
    # The server's teacher has the demo teacher's user name: the kept demo one gives it up.
    demo.apply(apply_roster, [school(), teacher(username="teacher"), school_class(), learner()])
    assert demo.rows("SELECT id FROM school ORDER BY id") == [("demo-school",), ("s1",)]
    assert demo.rows("SELECT id, username FROM teacher ORDER BY id") == [
        ("demo-teacher", "teacher-demo"),
        ("t1", "teacher"),
    ]


def test_the_demo_school_waits_for_server_codes_while_the_demo_teacher_issues_them(
    demo: Store,
) -> None:
    demo.execute(
        "INSERT INTO issuer (id, teacher_id, station_id, salt, nonce, sealed_secret, created_at)"
        " VALUES ('local', 'demo-teacher', 'st', x'00', x'00', x'00', ?)",
        NOW.isoformat(),
    )
    demo.apply(apply_roster, roster())
    assert demo.rows("SELECT count(*) FROM school") == [(2,)]  # codes still the demo's
    keys = new_issuer_keys()
    slots = seal_slots(keys, station_id="st", counters=range(1, 3), params=FAST_TEST_PARAMS)
    demo.apply(apply_code_slots, [(f"slot:{d['counter']}", d) for d in slots])
    assert demo.rows("SELECT id FROM school") == [("s1",)]
    assert demo.rows("SELECT count(*) FROM issuer") == [(0,)]
