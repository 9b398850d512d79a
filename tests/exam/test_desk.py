"""The exam desk the screens call: codes, sealed bank, a whole attempt, a crash, a retake."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.content.sealing import read_pack_key
from mcdesk.exam.desk import ExamDesk
from mcdesk.exam.paper import paper_items
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from tests.conftest import NOW
from tests.exam.stations import STATION_ID, new_station, set_up_keys, teacher_issuer
from tests.packsource import write_source

LEARNER = "learner-ada"
PACK = "sample-pack"


@dataclass
class Station:
    database: Path
    key: Ed25519PrivateKey
    clock: list[float]
    bank_texts: list[str]

    def desk(self) -> ExamDesk:
        return ExamDesk(
            self.database, station_key=self.key, monotonic=lambda: self.clock[0], wall=lambda: NOW
        )

    def code(self, counter: int) -> str:
        return teacher_issuer(self.database).code(counter)


@pytest.fixture
def station(
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> Station:
    database = new_station(home)
    with opened(database) as connection:
        connection.execute(
            "INSERT INTO school_class (id, school_id, teacher_id, name) "
            "VALUES ('c1', 'school-1', 'teacher-rivera', 'Lab')"
        )
        connection.execute(
            "INSERT INTO learner (id, class_id, display_name, pin_hash) "
            f"VALUES ('{LEARNER}', 'c1', 'Ada', 'x')"
        )
        connection.execute(  # the class may take this micro-credential (see the grant test)
            f"INSERT INTO access_grant (id, pack_id, class_id) VALUES ('g1', '{PACK}', 'c1')"
        )
    built = build_pack(
        write_source(tmp_path / "src"), tmp_path / "p.mcpack", publisher_key=publisher_key
    )
    engine = make_engine(database)
    import_pack(built.output, engine=engine, trusted=trusted, now=NOW)
    engine.dispose()
    assert built.pack_key_file is not None
    set_up_keys(database, slots=8, pack_keys=[read_pack_key(built.pack_key_file)])
    texts = ["How many inches in 3 feet?", "Name the tool that rolls up."]
    return Station(database, Ed25519PrivateKey.generate(), [100.0], texts)


def right_answer(item: dict[str, Any]) -> Any:
    if item["type"] == "short_text":
        return item["answer"]["accepted"][0]
    return item["answer"]


def test_evidence_before_a_start(station: Station) -> None:
    desk = station.desk()
    evidence = desk.evidence(learner_id=LEARNER, pack_id=PACK)
    assert evidence.title == "Sample Pack"
    assert evidence.items == 4  # 2 per skill
    assert evidence.time_limit_minutes == 20
    assert evidence.retake.allowed
    assert evidence.next_counter == 1
    assert evidence.interrupted_attempt is None
    desk.close()


def test_a_wrong_code_is_refused_and_a_right_one_starts_with_no_keys_on_screen(
    station: Station,
) -> None:
    desk = station.desk()
    refused = desk.start(learner_id=LEARNER, pack_id=PACK, code="00000000")
    assert not refused.ok
    assert refused.next_counter == 1  # the same slot is asked for again
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.ok
    assert started.sitting is not None
    sitting = started.sitting
    assert sitting.state == "running"
    assert len(sitting.items) == 4
    for item in sitting.items:
        assert not {"answer", "accepted", "pattern", "feedback", "tolerance"} & set(item)
    assert sitting.remaining_s == pytest.approx(20 * 60)
    assert desk.next_counter() == 2
    desk.close()


def test_a_whole_attempt_passes_and_says_what_to_review_never_the_key(station: Station) -> None:
    desk = station.desk()
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.sitting is not None
    bank = desk._bank  # the in-memory bank, to answer right
    for item in started.sitting.items:
        assert desk.answer(item_id=item["id"], response=right_answer(bank[item["id"]]))
    station.clock[0] += 300
    outcome = desk.submit()
    assert outcome.passed
    assert outcome.score_ratio == pytest.approx(1.0)
    assert outcome.review == []
    assert {skill for skill, *_ in outcome.skills} == {"measuring", "estimating"}
    assert outcome.ended_by == "submitted"
    assert outcome.retake_text == ""  # issue 9: a pass never shows retake words
    assert desk._bank == {}  # dropped when the attempt ended
    desk.close()


def test_a_crash_then_a_resume_code_keeps_answers_and_time(station: Station) -> None:
    desk = station.desk()
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.sitting is not None
    first = started.sitting.items[0]["id"]
    desk.answer(item_id=first, response="a")
    for _ in range(12):  # two minutes of work, ticked every 10 s as the screen does
        station.clock[0] += 10
        desk.tick()
    # The process dies here: a new desk on the same store, as after a restart.
    station.clock[0] += 5000  # time while the app was dead is not charged
    again = station.desk()
    [interrupted] = again.interrupted()
    assert (interrupted.learner_name, interrupted.title) == ("Ada", "Sample Pack")
    refused = again.resume(attempt_id=interrupted.attempt_id, code=station.code(1))
    assert not refused.ok  # a used code never works twice
    resumed = again.resume(attempt_id=interrupted.attempt_id, code=station.code(2))
    assert resumed.ok
    assert resumed.sitting is not None
    assert resumed.sitting.answers == {first: "a"}
    assert resumed.sitting.remaining_s == pytest.approx(20 * 60 - 120, abs=1)
    assert resumed.sitting.items  # the bank is open again
    again.close()
    desk.close()


def test_a_resume_opens_the_question_the_learner_was_on(station: Station) -> None:
    desk = station.desk()
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.sitting is not None
    assert started.sitting.position is None  # nothing viewed yet: the screen opens question 1
    items = [item["id"] for item in started.sitting.items]
    desk.viewed(item_id=items[1])
    desk.answer(item_id=items[1], response="a")
    desk.viewed(item_id=items[2])  # looked at, not answered: this is where they were
    # The process dies here: a new desk on the same store, as after a restart.
    again = station.desk()
    [interrupted] = again.interrupted()
    resumed = again.resume(attempt_id=interrupted.attempt_id, code=station.code(2))
    assert resumed.sitting is not None
    assert resumed.sitting.position == items[2]
    again.close()
    desk.close()


def test_extend_pause_and_leave_need_codes(station: Station) -> None:
    desk = station.desk()
    desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    extended = desk.authorise(code=station.code(2), action="extend", minutes=5)
    assert extended.ok
    assert extended.sitting is not None
    assert extended.sitting.remaining_s == pytest.approx(25 * 60)
    assert not desk.authorise(code="12345678", action="leave").ok
    left = desk.authorise(code=station.code(3), action="leave")
    assert left.ok
    assert left.sitting is not None
    assert left.sitting.state == "paused"
    assert left.sitting.items == []  # the bank left with the learner
    desk.close()


def test_a_retake_waits_for_review_of_the_missed_skills(station: Station) -> None:
    desk = station.desk()
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.sitting is not None
    outcome = desk.submit()  # nothing answered
    assert not outcome.passed
    assert {skill for skill, _ in outcome.review} == {"measuring", "estimating"}
    refused = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(2))
    assert not refused.ok
    assert "review" in refused.message.lower() or "study" in refused.message.lower()
    assert desk.next_counter() == 2  # no code was spent on a refused retake
    desk.close()


def test_paper_items_follow_the_drawn_option_order() -> None:
    bank = {
        "q1": {
            "id": "q1",
            "type": "single_choice",
            "prompt": "?",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
            "answer": "a",
            "feedback": "because",
        }
    }
    form = {"items": [{"id": "q1", "skill": "s", "options": ["b", "a"]}]}
    [item] = paper_items(form, bank)
    assert [o["id"] for o in item["options"]] == ["b", "a"]
    assert "answer" not in item
    assert "feedback" not in item


def test_the_station_id_is_the_issuers(station: Station) -> None:
    assert teacher_issuer(station.database).station_id == STATION_ID


def test_no_assessment_starts_on_a_pack_the_learner_was_never_granted(station: Station) -> None:
    """The core refuses, whatever the screens show, and the teacher's code stays unused."""
    with opened(station.database) as connection:
        connection.execute("DELETE FROM access_grant")
    desk = station.desk()
    refused = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert not refused.ok
    assert "is not open to this learner" in refused.message
    assert "A teacher can grant it" in refused.message
    assert refused.next_counter == desk.next_counter() == 1  # the code was not used up
    with opened(station.database) as connection:
        assert connection.execute("SELECT count(*) FROM attempt").fetchone()[0] == 0
        # A grant to another pack, or one that closed yesterday, opens nothing either.
        connection.execute(
            "INSERT INTO access_grant (id, pack_id, class_id) VALUES ('other', 'other-pack', 'c1')"
        )
        connection.execute(
            "INSERT INTO access_grant (id, pack_id, learner_id, closes_at) "
            f"VALUES ('closed', '{PACK}', '{LEARNER}', '2026-11-21 00:00:00')"
        )
    assert not desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1)).ok
    with opened(station.database) as connection:
        connection.execute(
            "INSERT INTO access_grant (id, pack_id, learner_id) "
            f"VALUES ('g2', '{PACK}', '{LEARNER}')"
        )
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1))
    assert started.ok, started.message
    desk.close()


def test_a_waived_review_used_elsewhere_meanwhile_stops_the_start_and_leaves_no_attempt(
    station: Station,
) -> None:
    desk = station.desk()
    assert desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(1)).ok
    desk.submit()  # nothing answered: review is due before a retake
    with opened(station.database) as connection:
        connection.execute(
            "INSERT INTO allowance (id, learner_id, pack_id, kind, reason, granted_by, granted_at)"
            f" VALUES ('w1', '{LEARNER}', '{PACK}', 'waive_review', 'Reviewed with me',"
            " 'Ms Rivera', '2026-11-22T09:00:00+00:00')"
        )
        # A pull landing between the rule's look and the attempt's insert (another station
        # used it): made by the database itself, as the attempt row goes in.
        connection.execute(
            "CREATE TRIGGER pulled AFTER INSERT ON attempt"
            " BEGIN UPDATE allowance SET used_by_attempt = 'elsewhere'; END"
        )
    refused = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(2))
    assert not refused.ok
    assert "used already" in refused.message
    with opened(station.database) as connection:
        assert tuple(connection.execute("SELECT count(*) FROM attempt").fetchone()) == (1,)
        # All of the refused start rolled back, the trigger's write with it: still free here.
        assert tuple(connection.execute("SELECT used_by_attempt FROM allowance").fetchone()) == (
            None,
        )
        queued = "SELECT count(*) FROM outbox WHERE kind = 'allowance_used'"
        assert tuple(connection.execute(queued).fetchone()) == (0,)
        connection.execute("DROP TRIGGER pulled")
    started = desk.start(learner_id=LEARNER, pack_id=PACK, code=station.code(3))
    assert started.ok, started.message
    assert started.sitting is not None
    with opened(station.database) as connection:
        used = connection.execute("SELECT used_by_attempt FROM allowance").fetchone()
        assert tuple(used) == (started.sitting.attempt_id,)
        assert tuple(connection.execute(queued).fetchone()) == (1,)
    desk.close()
