from __future__ import annotations

import itertools
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mcdesk.exam.allowance_use import use_allowances
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.retake import RetakeDecision, next_try_text, retake_allowed
from tests.exam.bank import LEARNER, PACK, blueprint, make_bank, right, wrong
from tests.exam.conftest import EngineFactory, FakeWall, begin

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


def _take(engine: ExamEngine, *, right_skills: set[str], counter: int = 1) -> None:
    """An attempt answered right for some skills and wrong for the others."""
    begin(engine, bank=BANK, blueprint=blueprint(), counter=counter)
    for shown in engine.form["items"]:
        item = BY_ID[shown["id"]]
        response = right(item) if item["skill"] in right_skills else wrong(item)
        engine.answer(item_id=item["id"], response=response)
    engine.submit()


def _decide(store: Path, now: datetime, **changes: object) -> RetakeDecision:
    with sqlite3.connect(store) as connection:
        return retake_allowed(
            connection, learner_id=LEARNER, pack_id=PACK, blueprint=blueprint(**changes), now=now
        )


def _study(store: Path, skill: str, when: datetime, *, selfcheck: bool = False) -> None:
    naive = when.astimezone(UTC).replace(tzinfo=None)  # SQLAlchemy's stored form
    with sqlite3.connect(store) as connection:
        if selfcheck:
            connection.execute(
                "INSERT INTO selfcheck_run (id, learner_id, pack_id, skill_id, finished_at, "
                "correct, total, responses) VALUES (?, ?, ?, ?, ?, 100, 1, '{}')",
                (f"run-{skill}", LEARNER, PACK, skill, naive.isoformat(sep=" ")),
            )
        else:
            connection.execute(
                "INSERT INTO skill_progress (learner_id, pack_id, skill_id, first_opened_at, "
                "last_opened_at, active_seconds) VALUES (?, ?, ?, ?, ?, 0)",
                (LEARNER, PACK, skill, naive.isoformat(sep=" "), naive.isoformat(sep=" ")),
            )


def test_the_first_attempt_is_allowed(store: Path, wall: FakeWall) -> None:
    decision = _decide(store, wall.now)
    assert decision.allowed


def test_an_attempt_in_progress_blocks_a_new_one(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    begin(make_engine(), bank=BANK, blueprint=blueprint())
    decision = _decide(store, wall.now)
    assert not decision.allowed
    assert "in progress" in decision.reason


def test_missed_skills_must_be_studied_again_before_a_retake(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    _take(make_engine(), right_skills={"measure"})
    wall.shift(timedelta(minutes=5))
    decision = _decide(store, wall.now)
    assert not decision.allowed
    assert decision.review == ("area", "estimate")
    assert "area, estimate" in decision.reason
    _study(store, "area", wall.now)
    assert decision.review != _decide(store, wall.now).review
    _study(store, "estimate", wall.now, selfcheck=True)
    assert _decide(store, wall.now).allowed
    rule = {"requires_review": False, "max_attempts_per_day": 2}
    assert _decide(store, wall.now - timedelta(days=1), retake=rule).allowed


def test_study_before_the_attempt_ended_does_not_count(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    _study(store, "area", wall.now - timedelta(minutes=1))
    _study(store, "estimate", wall.now - timedelta(minutes=1), selfcheck=True)
    _take(make_engine(), right_skills={"measure"})
    assert _decide(store, wall.now).review == ("area", "estimate")


def test_a_pass_needs_no_review(make_engine: EngineFactory, store: Path, wall: FakeWall) -> None:
    _take(make_engine(), right_skills={"measure", "area", "estimate"})
    assert _decide(store, wall.now).allowed


@pytest.mark.parametrize("zone", [UTC, timezone(timedelta(hours=-7))])
def test_attempts_per_day_count_the_local_date_and_lift_at_midnight(
    make_engine: EngineFactory, store: Path, wall: FakeWall, zone: timezone
) -> None:
    wall.now = datetime(2026, 11, 22, 10, 0, tzinfo=zone)
    rule = {"requires_review": False, "max_attempts_per_day": 2}
    _take(make_engine(), right_skills=set())
    assert _decide(store, wall.now, retake=rule).allowed
    wall.shift(timedelta(hours=1))
    _take(make_engine(), right_skills=set(), counter=2)
    decision = _decide(store, wall.now, retake=rule)
    assert not decision.allowed
    assert decision.earliest == datetime(2026, 11, 23, tzinfo=zone)
    late = datetime(2026, 11, 22, 23, 59, tzinfo=zone)
    assert not _decide(store, late, retake=rule).allowed
    assert _decide(store, late + timedelta(minutes=1), retake=rule).allowed


def test_a_retake_draws_items_not_seen_before(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    engine = make_engine()
    _take(engine, right_skills=set())
    first = {i["id"] for i in engine.form["items"]}
    engine.close()
    again = make_engine()
    _take(again, right_skills=set(), counter=2)
    assert not first & {i["id"] for i in again.form["items"]}


def test_each_retake_avoids_the_form_just_taken_long_after_every_item_was_seen(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    """7 items a skill, 2 drawn: from the fourth attempt every item has been seen once."""
    forms: list[set[str]] = []
    for counter in range(1, 7):
        engine = make_engine()
        _take(engine, right_skills=set(), counter=counter)
        forms.append({i["id"] for i in engine.form["items"]})
        engine.close()
        wall.shift(timedelta(days=1))
    for earlier, later in itertools.pairwise(forms):
        assert not earlier & later


def test_after_a_pass_the_result_says_nothing_about_trying_again(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    rule = {"requires_review": True, "max_attempts_per_day": 2}
    _take(make_engine(), right_skills=set())
    wall.shift(timedelta(minutes=5))
    _take(make_engine(), right_skills={"measure", "area", "estimate"}, counter=2)
    decision = _decide(store, wall.now, retake=rule)
    assert not decision.allowed  # today's two are used…
    assert next_try_text(decision, passed=True) == ""  # …but a pass needs no retake words


def test_after_a_fail_the_result_says_how_many_tries_are_left_and_when_the_next_opens(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    wall.now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # a Sunday
    rule = {"requires_review": True, "max_attempts_per_day": 2}
    _take(make_engine(), right_skills={"measure", "area"})
    review = next_try_text(_decide(store, wall.now, retake=rule), passed=False)
    assert "estimate" in review  # the skill to review first
    assert "1 try left today" in review
    assert "as soon as you have reviewed" in review

    _study(store, "estimate", wall.now + timedelta(minutes=1))
    ready = next_try_text(
        _decide(store, wall.now + timedelta(minutes=2), retake=rule), passed=False
    )
    assert ready == "You can try again as soon as you are ready. You have 1 try left today."

    wall.shift(timedelta(minutes=3))
    _take(make_engine(), right_skills=set(), counter=2)
    spent = next_try_text(_decide(store, wall.now, retake=rule), passed=False)
    assert "1 try left" not in spent
    assert spent.endswith("Your next try opens tomorrow, Monday 23 November.")


def _allow(store: Path, kind: str, *, reason: str = "Fire drill", row: str = "a1") -> None:
    with sqlite3.connect(store) as connection:
        connection.execute(
            "INSERT INTO allowance (id, learner_id, pack_id, kind, reason, granted_by, granted_at)"
            " VALUES (?, ?, ?, ?, ?, 'Ms Lee', '2026-11-22T09:00:00+00:00')",
            (row, LEARNER, PACK, kind, reason),
        )


def test_an_extra_attempt_lifts_the_daily_limit_once(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    rule = {"requires_review": False, "max_attempts_per_day": 1}
    _take(make_engine(), right_skills=set())
    assert not _decide(store, wall.now, retake=rule).allowed
    _allow(store, "waive_review")  # not what the daily limit needs
    assert not _decide(store, wall.now, retake=rule).allowed
    _allow(store, "extra_attempt", row="a2")
    decision = _decide(store, wall.now, retake=rule)
    assert decision.allowed
    assert decision.allowances == ("a2",)
    assert decision.reason == "Ms Lee allowed an extra attempt: Fire drill"
    with sqlite3.connect(store) as connection:
        use_allowances(
            connection, allowance_ids=decision.allowances, attempt_id="attempt-2",
            learner_id=LEARNER, pack_id=PACK, now=wall.now,
        )  # fmt: skip
    assert not _decide(store, wall.now, retake=rule).allowed  # used up


def test_a_waived_review_lets_a_retake_start_without_the_review(
    make_engine: EngineFactory, store: Path, wall: FakeWall
) -> None:
    _take(make_engine(), right_skills={"measure"})
    assert _decide(store, wall.now).review == ("area", "estimate")
    _allow(store, "waive_review", reason="Reviewed with me")
    decision = _decide(store, wall.now)
    assert decision.allowed
    assert decision.review == ()
    assert "waived the review before this retake: Reviewed with me" in decision.reason
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE allowance SET pack_id = 'another-pack'")
    assert not _decide(store, wall.now).allowed  # an allowance is for its pack only
