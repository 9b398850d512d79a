"""Cursor resume: a pull cut between pages resumes where it stopped, nothing twice or missed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from mcdesk.server.schools import add_teacher
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.client import SyncError
from mcdesk.sync.pull import Item, PullRefused
from tests.server.conftest import RunningServer
from tests.server.pulling import TEACHER_PASSWORD, enrolled_station, set_up_school

CSV = "class,learner,pin\n" + "".join(f"Welding 1,Learner {n:02d},{1000 + n}\n" for n in range(20))


class Cut(Exception):
    """The link went down after some pages were applied."""


def test_a_pull_cut_between_pages_resumes_with_nothing_twice_and_nothing_missed(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    school = set_up_school(server.engine, csv=CSV)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    monkeypatch.setattr("mcdesk.sync.pull.PAGE", 4)  # 23 roster changes: six pages
    applied: list[str] = []
    pages = 0

    def cut_after_three_pages(session: Session, items: list[Item], now: datetime) -> None:
        nonlocal pages
        if pages == 3:
            raise Cut()
        pages += 1
        apply_roster(session, items, now)
        applied.extend(key for key, _ in items)

    with pytest.raises(Cut):
        station.pull({"roster": cut_after_three_pages})
    first = list(applied)
    assert len(first) == 12
    assert station.query("SELECT count(*) FROM learner") == [(9,)]  # after school, teacher, class

    # Meanwhile a teacher is added on the server; it must arrive too, once.
    with Session(server.engine) as session:
        add_teacher(
            session, school_id=school.school_id, username="okafor", display_name="Mr Okafor",
            password=TEACHER_PASSWORD, now=datetime.now().astimezone(),
        )  # fmt: skip
    pages = -100  # no more cuts
    report = station.pull({"roster": cut_after_three_pages})
    second = applied[len(first) :]
    assert report.items == {"roster": len(second)}
    assert not set(first) & set(second)  # nothing twice
    assert len(set(first) | set(second)) == 1 + 2 + 1 + 20  # school, teachers, class, learners
    assert station.query("SELECT count(*) FROM learner") == [(20,)]
    assert station.pull({"roster": apply_roster}).items == {"roster": 0}


def test_a_refused_page_stores_nothing_and_keeps_the_cursor(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)

    def half_then_refuse(session: Session, items: list[Item], now: datetime) -> None:
        apply_roster(session, items, now)
        raise PullRefused("this page cannot be used")

    with pytest.raises(SyncError, match="roster data this station cannot use: this page"):
        station.pull({"roster": half_then_refuse})
    assert station.query("SELECT count(*) FROM learner") == [(0,)]
    assert station.query("SELECT count(*) FROM sync_state WHERE key = 'cursor:roster'") == [(0,)]
    assert station.pull({"roster": apply_roster}).items == {"roster": 7}
