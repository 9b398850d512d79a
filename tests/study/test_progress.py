from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine

from mcdesk.content.access import granted_pack_ids, is_granted
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.progress import (
    add_active_time,
    last_opened,
    mark_studied,
    readiness,
    record_link_opened,
    record_opened,
    record_selfcheck,
    skill_states,
)
from tests.conftest import NOW

ADA = "demo-learner-01"
PACK = "basic-construction-math"


def _outbox(home: Paths) -> list[tuple[str, dict[str, object]]]:
    with opened(home.database) as connection:
        return [
            (kind, json.loads(body))
            for kind, body in connection.execute("SELECT kind, body FROM outbox ORDER BY seq")
        ]


def test_states_move_from_opened_to_studied_to_mastered(demo_engine: Engine, home: Paths) -> None:
    record_opened(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", now=NOW)
    with opened(home.database) as connection:
        assert skill_states(connection, learner_id=ADA, pack_id=PACK)["area"].stage == "in_progress"
    mark_studied(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", now=NOW)
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=3.5,
        total=5,
        responses={"a": 1},
        now=NOW,
    )
    with opened(home.database) as connection:
        state = skill_states(connection, learner_id=ADA, pack_id=PACK)["area"]
    assert (state.stage, state.studied, state.mastered) == ("studied", True, False)  # 70 % < 80 %
    later = NOW + timedelta(minutes=5)
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=4,
        total=5,
        responses={},
        now=later,
    )
    with opened(home.database) as connection:
        state = skill_states(connection, learner_id=ADA, pack_id=PACK)["area"]
    assert (state.stage, state.last_score) == ("mastered", (4.0, 5))
    assert [kind for kind, _ in _outbox(home)] == [
        "skill_opened",
        "skill_studied",
        "selfcheck_result",
        "selfcheck_result",
    ]


def test_the_latest_run_decides_mastery(demo_engine: Engine, home: Paths) -> None:
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=5,
        total=5,
        responses={},
        now=NOW,
    )
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=1,
        total=5,
        responses={},
        now=NOW + timedelta(seconds=1),
    )
    with opened(home.database) as connection:
        assert not skill_states(connection, learner_id=ADA, pack_id=PACK)["area"].mastered


def test_active_time_adds_up_and_its_unsent_events_coalesce(
    demo_engine: Engine, home: Paths
) -> None:
    for second in (15, 15, 12):
        add_active_time(
            demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", seconds=second, now=NOW
        )
    add_active_time(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="cubic", seconds=7, now=NOW)
    with opened(home.database) as connection:
        states = skill_states(connection, learner_id=ADA, pack_id=PACK)
    assert (states["area"].active_seconds, states["cubic"].active_seconds) == (42, 7)
    events = _outbox(home)
    assert [(body["skill_id"], body["active_seconds"]) for _, body in events] == [
        ("area", 42),
        ("cubic", 7),
    ]


def test_readiness_names_the_weak_skills(demo_engine: Engine, home: Paths) -> None:
    mark_studied(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", now=NOW)
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=5,
        total=5,
        responses={},
        now=NOW,
    )
    with opened(home.database) as connection:
        summary = readiness(
            ["area", "cubic"], skill_states(connection, learner_id=ADA, pack_id=PACK)
        )
    assert (summary.studied, summary.mastered, summary.weak, summary.ready) == (
        1,
        1,
        ("cubic",),
        False,
    )


def test_continue_where_you_left_off(demo_engine: Engine, home: Paths) -> None:
    record_opened(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", now=NOW)
    record_opened(
        demo_engine,
        learner_id=ADA,
        pack_id="access-control-lists",
        skill_id="rbac",
        now=NOW + timedelta(minutes=1),
    )
    with opened(home.database) as connection:
        assert last_opened(connection, learner_id=ADA) == ("access-control-lists", "rbac")
        assert last_opened(connection, learner_id="demo-learner-02") is None


def test_the_demo_class_may_open_everything_and_grants_have_dates(
    demo_engine: Engine, home: Paths
) -> None:
    with opened(home.database) as connection:
        assert is_granted(granted_pack_ids(connection, learner_id=ADA, now=NOW), PACK)
        connection.execute("DELETE FROM access_grant")
        connection.execute(
            "INSERT INTO access_grant (id, pack_id, learner_id, opens_at, closes_at) "
            "VALUES ('g1', ?, ?, '2026-11-01 00:00:00', '2026-12-01 00:00:00')",
            (PACK, ADA),
        )
        assert granted_pack_ids(connection, learner_id=ADA, now=NOW) == {PACK}
        assert granted_pack_ids(connection, learner_id=ADA, now=NOW + timedelta(days=30)) == set()
        assert granted_pack_ids(connection, learner_id="demo-learner-02", now=NOW) == set()


def test_a_minute_of_study_and_a_self_check_count_as_studied_everywhere(
    demo_engine: Engine, home: Paths
) -> None:
    record_opened(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", now=NOW)
    add_active_time(demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", seconds=60, now=NOW)
    with opened(home.database) as connection:
        states = skill_states(connection, learner_id=ADA, pack_id=PACK)
    assert (states["area"].stage, states["area"].studied) == ("in_progress", False)
    record_selfcheck(
        demo_engine,
        learner_id=ADA,
        pack_id=PACK,
        skill_id="area",
        credit=2.5,
        total=5,
        responses={},
        now=NOW,
    )
    with opened(home.database) as connection:
        states = skill_states(connection, learner_id=ADA, pack_id=PACK)
    assert (states["area"].stage, states["area"].studied) == ("studied", True)
    summary = readiness(["area", "cubic"], states)
    assert (summary.studied, summary.mastered) == (1, 0)  # not "Skills studied 0 of 2"


def test_a_link_opened_is_an_event_each_time_with_its_address_bounded(
    demo_engine: Engine, home: Paths
) -> None:
    long = "https://example.org/" + "x" * 2000
    for url in ("https://osha.gov/construction", "https://osha.gov/construction", long):
        record_link_opened(
            demo_engine, learner_id=ADA, pack_id=PACK, skill_id="area", url=url, now=NOW
        )
    events = [(kind, body) for kind, body in _outbox(home) if kind == "link_opened"]
    assert len(events) == 3  # each opening counts: never coalesced
    assert events[0][1] == {
        "kind": "link_opened", "learner_id": ADA, "pack_id": PACK, "skill_id": "area",
        "url": "https://osha.gov/construction", "at": NOW.isoformat(),
    }  # fmt: skip
    assert len(str(events[2][1]["url"])) == 500
