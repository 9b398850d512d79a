"""The Progress grid: the numbers a learner's own screens show, from the synced events."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from mcdesk.content.skill_states import SkillState, skill_states, state_of
from mcdesk.exam.retake import retake_allowed
from mcdesk.server.allowances import allow
from mcdesk.server.models import Learner, SchoolClass, Teacher
from mcdesk.server.study_tally.read import skill_totals
from mcdesk.server.web.progress import LearnerProgress, ProgressGrid, chosen, progress_grid
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.study.progress import (
    add_active_time,
    mark_studied,
    record_link_opened,
    record_opened,
    record_selfcheck,
)
from tests.server.pulling import TEACHER_USER
from tests.server.web.conftest import TrcServer
from tests.server.web.http import signed_in
from tests.server.web.reports_lab import GradedClass


@pytest.fixture
def trc(each_trc: TrcServer) -> TrcServer:
    """Every test here runs on SQLite and on PostgreSQL."""
    return each_trc


def grid_of(trc: TrcServer, graded: GradedClass) -> ProgressGrid:
    with Session(trc.server.engine) as session:
        welding = session.get(SchoolClass, graded.welding_id)
        assert welding is not None
        return progress_grid(session, school_class=welding, pack_id="sample-pack")


def study_on_the_station(graded: GradedClass, skills: list[str]) -> None:
    """Ana studies on the station with the station's own code: two skills, two stories."""
    engine = make_engine(graded.lab.home.database)
    ana, pack, now = graded.lab.learner_id, "sample-pack", datetime.now(UTC)
    try:
        first, second = skills[0], skills[1]
        record_opened(engine, learner_id=ana, pack_id=pack, skill_id=first, now=now)
        add_active_time(engine, learner_id=ana, pack_id=pack, skill_id=first, seconds=300, now=now)
        mark_studied(engine, learner_id=ana, pack_id=pack, skill_id=first, now=now)
        for credit in (0.5, 2.0):  # the latest run counts: mastered
            record_selfcheck(engine, learner_id=ana, pack_id=pack, skill_id=first, credit=credit,
                             total=2, responses={}, now=now)  # fmt: skip
            now += timedelta(seconds=1)
        record_opened(engine, learner_id=ana, pack_id=pack, skill_id=second, now=now)
        for seconds in (60, 65):  # coalesced into one running total
            add_active_time(engine, learner_id=ana, pack_id=pack, skill_id=second,
                            seconds=seconds, now=now)  # fmt: skip
        record_selfcheck(engine, learner_id=ana, pack_id=pack, skill_id=second, credit=1.25,
                         total=2, responses={}, now=now)  # fmt: skip
        for skill in (first, second):  # a lesson link opened in each
            record_link_opened(engine, learner_id=ana, pack_id=pack, skill_id=skill,
                               url="https://osha.gov/<b>x</b>", now=now)  # fmt: skip
    finally:
        engine.dispose()


def test_each_cell_equals_what_the_station_shows(
    trc: TrcServer, graded: GradedClass, capsys: pytest.CaptureFixture[str]
) -> None:
    skills = [s for s, _ in grid_of(trc, graded).skills]
    assert len(skills) >= 2
    study_on_the_station(graded, skills)
    graded.lab.carry(capsys)
    with opened(graded.lab.home.database, read_only=True) as connection:
        station = skill_states(connection, learner_id=graded.lab.learner_id, pack_id="sample-pack")
    grid = grid_of(trc, graded)
    (ana,) = [p for p in grid.learners if p.learner_id == graded.lab.learner_id]
    assert ana.cells == [state_of(station, s) for s in skills]
    assert ana.cells[0].stage == "mastered"
    assert ana.cells[0].active_seconds == 300
    assert ana.cells[1].stage == "studied"
    assert ana.cells[1].active_seconds == 125
    assert ana.cells[1].last_score == (1.25, 2)
    assert (ana.attempts, ana.passed) == (1, True)
    assert ana.best is not None
    assert ana.best.ratio == 1.0
    page = signed_in(trc).get(f"/teacher/classes/{graded.welding_id}/progress/sample-pack").text
    assert "Self-check mastered" in page
    assert "5.0 min · 2 of 2" in page
    assert "2.1 min · 1.25 of 2" in page
    assert ana.links == 2
    learner_page = f"/teacher/classes/{graded.welding_id}/learners/{ana.learner_id}/timeline"
    assert learner_page in page  # the grid links to the learner's page


def test_the_learners_page_says_what_the_grid_and_the_station_say(
    trc: TrcServer, graded: GradedClass, capsys: pytest.CaptureFixture[str]
) -> None:
    skills = [s for s, _ in grid_of(trc, graded).skills]
    study_on_the_station(graded, skills)
    graded.lab.carry(capsys)
    ana = graded.lab.learner_id
    page = signed_in(trc).get(f"/teacher/classes/{graded.welding_id}/learners/{ana}/timeline").text
    # The same cells as the grid and the station: minutes and the latest self-checks.
    assert "5.0 min · self-check 2 of 2" in page
    assert "2.1 min · self-check 1.25 of 2" in page
    assert "2 links opened" in page
    assert "Passed" in page
    # The timeline: each self-check run, the links (escaped), the attempt with its score.
    for expected in ("Self-check", "0.5 of 2", "1.25 of 2", "Studied", "Opened", "Attempt",
                     "100% (", "pass", "Granted"):  # fmt: skip
        assert expected in page, expected
    assert page.count("<strong>Link opened</strong>") == 2
    assert "https://osha.gov/&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page


def test_needs_review_before_a_retake_follows_the_stations_rule(
    trc: TrcServer, graded: GradedClass, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ben failed with nothing answered: the station asks him to review his weak skills
    first; the grid names the same skills, and stops once he has studied them again."""
    grid = grid_of(trc, graded)
    (row,) = [p for p in grid.learners if p.name == "Ben Ode"]
    ben = row.learner_id

    def station_says() -> tuple[str, ...]:
        with opened(graded.lab.home.database, read_only=True) as connection:
            (manifest,) = connection.execute(
                "SELECT manifest FROM pack WHERE id = 'sample-pack'"
            ).fetchone()
            blueprint = json.loads(manifest)["assessment"]
            decision = retake_allowed(connection, learner_id=ben, pack_id="sample-pack",
                                      blueprint=blueprint, now=datetime.now(UTC))  # fmt: skip
        return decision.review

    review = station_says()
    assert len(review) == 2, "both sample skills are weak after a blank attempt"
    assert row.review == review
    assert [p.name for p in chosen(grid, show="review", days=7, now=datetime.now(UTC))] == [
        "Ben Ode"
    ]
    path = f"/teacher/classes/{graded.welding_id}/progress/sample-pack?show=review"
    assert "Ben Ode" in signed_in(trc).get(path).text
    engine = make_engine(graded.lab.home.database)
    try:  # he studies the first weak skill again on the station
        record_opened(engine, learner_id=ben, pack_id="sample-pack", skill_id=review[0],
                      now=datetime.now(UTC) + timedelta(seconds=5))  # fmt: skip
    finally:
        engine.dispose()
    graded.lab.carry(capsys)
    (row,) = [p for p in grid_of(trc, graded).learners if p.name == "Ben Ode"]
    assert row.review == station_says() == review[1:]
    if row.review:  # always: one weak skill left. The teacher waives it: no longer listed
        with Session(trc.server.engine) as session:
            ben_row = session.get(Learner, ben)
            teacher = session.exec(
                select(Teacher).where(col(Teacher.username) == TEACHER_USER)
            ).one()
            assert ben_row is not None
            allow(session, learner=ben_row, school_id=graded.school_id, kind="waive_review",
                  pack_id="sample-pack", reason="Reviewed with me after class", teacher=teacher,
                  form_id="waive-1", now=datetime.now(UTC))  # fmt: skip
        (row,) = [p for p in grid_of(trc, graded).learners if p.name == "Ben Ode"]
        assert row.review == ()


def test_only_opening_a_lesson_or_a_self_check_reviews_a_skill_on_both_sides(
    trc: TrcServer, graded: GradedClass, capsys: pytest.CaptureFixture[str]
) -> None:
    """Events the station's retake rule does not count as review, and the server used to:
    Ben's lesson opened before his attempt ended (sent only after it) and left open across
    the end keeps adding time, reaches its end and has a link opened. The station still
    asks for the review; the grid now says the same. A self-check after the end counts."""
    (row,) = [p for p in grid_of(trc, graded).learners if p.name == "Ben Ode"]
    ben, pack = row.learner_id, "sample-pack"
    left_open, checked = row.review  # both weak after his blank attempt
    with opened(graded.lab.home.database, read_only=True) as connection:
        (ended_text,) = connection.execute(
            "SELECT ended_at FROM attempt WHERE learner_id = ?", (ben,)
        ).fetchone()
    ended = datetime.fromisoformat(ended_text)
    ended = ended if ended.tzinfo else ended.replace(tzinfo=UTC)
    engine = make_engine(graded.lab.home.database)
    try:
        record_opened(engine, learner_id=ben, pack_id=pack, skill_id=left_open,
                      now=ended - timedelta(minutes=2))  # fmt: skip
        after = ended + timedelta(seconds=30)
        add_active_time(engine, learner_id=ben, pack_id=pack, skill_id=left_open, seconds=90,
                        now=after)  # fmt: skip
        mark_studied(engine, learner_id=ben, pack_id=pack, skill_id=left_open, now=after)
        record_link_opened(engine, learner_id=ben, pack_id=pack, skill_id=left_open,
                           url="https://example.org/", now=after)  # fmt: skip
        record_selfcheck(engine, learner_id=ben, pack_id=pack, skill_id=checked, credit=0.5,
                         total=2, responses={}, now=after)  # fmt: skip
    finally:
        engine.dispose()
    graded.lab.carry(capsys)

    with opened(graded.lab.home.database, read_only=True) as connection:
        (manifest,) = connection.execute(
            "SELECT manifest FROM pack WHERE id = ?", (pack,)
        ).fetchone()
        station = retake_allowed(connection, learner_id=ben, pack_id=pack,
                                 blueprint=json.loads(manifest)["assessment"],
                                 now=datetime.now(UTC))  # fmt: skip
    grid = grid_of(trc, graded)
    (row,) = [p for p in grid.learners if p.name == "Ben Ode"]
    assert station.review == (left_open,)
    assert row.review == station.review
    assert [p.name for p in chosen(grid, show="review", days=7, now=datetime.now(UTC))] == [
        "Ben Ode"
    ]
    # The old server rule (any study event after the end) said otherwise for that skill.
    with Session(trc.server.engine) as session:
        totals = skill_totals(session, school_id=graded.school_id, pack_id=pack, learner_ids=[ben])
    end_ms = int(ended.timestamp() * 1000)
    lesson = totals[(ben, left_open)]
    assert lesson.last_ms is not None
    assert lesson.last_ms > end_ms  # the old rule: "studied since"
    assert lesson.reviewed_ms is not None
    assert lesson.reviewed_ms < end_ms  # the station's: not reviewed
    timeline_page = f"/teacher/classes/{graded.welding_id}/learners/{ben}/timeline"
    page = signed_in(trc).get(timeline_page).text
    assert "Review before a retake" in page


def test_the_idle_filter_on_the_page_follows_the_clock(trc: TrcServer, graded: GradedClass) -> None:
    client = signed_in(trc)
    path = f"/teacher/classes/{graded.welding_id}/progress/sample-pack?show=idle&days=7"
    assert "No learner matches this filter." in client.get(path).text
    trc.clock.advance(timedelta(days=30))
    client = signed_in(trc)  # the old session went idle with the clock
    page = client.get(path).text
    assert "Ana Ruiz" in page
    assert "Ben Ode" in page
    bad = client.get(path.replace("days=7", "days=<b>x</b>")).text
    assert "Days must be a whole number" in bad
    assert "<b>x</b>" not in bad


def learner(name: str, *, ready: bool = False, attempts: int = 0, failed: int = 0,
            passed: bool = False, last: datetime | None = None,
            review: tuple[str, ...] = ()) -> LearnerProgress:  # fmt: skip
    cell = SkillState("s", "mastered" if ready else "in_progress", 0, ready, None)
    return LearnerProgress(
        learner_id=name, name=name, cells=[cell], attempts=attempts, best=None, passed=passed,
        failed=failed, last_activity=last, ready=ready, review=review,
    )  # fmt: skip


def test_the_filters() -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    grid = ProgressGrid(
        pack_id="p",
        title="P",
        skills=[("s", "S")],
        learners=[
            learner("ready", ready=True, last=now),
            learner("ready-and-assessed", ready=True, attempts=1, passed=True, last=now),
            learner("failed-twice", attempts=2, failed=2, last=now - timedelta(days=3)),
            learner("failed-then-passed", attempts=3, failed=2, passed=True, last=now),
            learner("never"),
            learner("to-review", attempts=1, failed=1, last=now, review=("s",)),
        ],
    )

    def names(show: str, days: int = 7) -> list[str]:
        return [p.name for p in chosen(grid, show=show, days=days, now=now)]

    assert names("ready") == ["ready"]
    assert names("failed") == ["failed-twice"]
    assert names("idle", 7) == ["never"]
    assert names("idle", 2) == ["failed-twice", "never"]
    assert names("review") == ["to-review"]
    assert len(names("all")) == 6


def test_the_progress_csv_has_a_row_per_learner_and_skill(
    trc: TrcServer, graded: GradedClass
) -> None:
    answer = signed_in(trc).get(
        f"/teacher/classes/{graded.welding_id}/progress/sample-pack/progress.csv"
    )
    assert answer.status_code == 200
    assert answer.content.startswith(b"\xef\xbb\xbflearner,skill,studied,")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    skills = grid_of(trc, graded).skills
    assert len(rows) == 2 * len(skills)
    assert {r["learner"] for r in rows} == {"Ana Ruiz", "Ben Ode"}
    assert {r["result"] for r in rows} == {"pass", "not yet"}
    assert all("T" in r["last_activity"] and r["last_activity"].endswith("+00:00") for r in rows)
    ben = [r for r in rows if r["learner"] == "Ben Ode"]
    assert {r["links_opened"] for r in rows} == {"0"}
    assert all(r["review_before_retake"] for r in ben)  # failed, not studied since
