"""Announcements read, as pushes report them: counted once per learner and announcement,
whatever the re-sends, stations or concurrent workers; a read the server cannot place is
stored and receipted, not counted, and flagged, and never breaks its batch."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.server.announcement_reads import AnnouncementRead
from mcdesk.server.announcements import post_announcement
from mcdesk.server.models import Flag
from mcdesk.server.schools import find_class, find_learner
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity, enrol
from tests.server.pulling import set_up_school
from tests.server.test_teacher_throttle import Workers, four_workers  # noqa: F401  (fixture)


def _school(engine: Engine, name: str = "Northside") -> tuple[str, str, dict[str, str]]:
    """A school, an announcement for Welding 1; (school id, announcement id, learner ids)."""
    school_id = set_up_school(engine, name=name, username=f"t-{uuid.uuid4().hex[:6]}").school_id
    with Session(engine) as session:
        welding = find_class(session, school_id=school_id, name="Welding 1")
        announcement = post_announcement(
            session, school_class=welding, text="Quiz Friday", due_on=None,
            posted_by="Ms Lee", now=datetime.now(UTC),
        )  # fmt: skip
        session.commit()
        roster = (("Welding 1", "Ana Ruiz"), ("Welding 1", "Ben Ode"), ("CNC", "Chi Li"))
        learners = {
            name: find_learner(session, school_id=school_id, class_name=cls, name=name).id
            for cls, name in roster
        }
    return school_id, announcement, learners


def _read(seq: int, announcement: str, learner: str) -> dict[str, Any]:
    return make_event(
        seq, kind="announcement_read", announcement_id=announcement, learner_id=learner,
        at=datetime.now(UTC).isoformat(),
    )  # fmt: skip


def _reads(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return sorted(
            session.exec(
                select(AnnouncementRead.announcement_id, AnnouncementRead.learner_id)
            ).all()
        )


def test_reads_count_once_and_an_unplaceable_read_does_not_break_the_batch(
    server: RunningServer,
) -> None:
    school_id, announcement, learners = _school(server.engine)
    lab = enrol(server.engine, station_id="lab-1", school_id=school_id)
    batch = [
        _read(1, announcement, learners["Ana Ruiz"]),
        _read(2, "no-such-announcement", learners["Ana Ruiz"]),
        _read(3, announcement, learners["Chi Li"]),  # CNC: not the announcement's class
        make_event(4, kind="announcement_read", announcement_id="x" * 5000, learner_id="y"),
        make_event(5, kind="announcement_read", note="no ids at all"),
        _read(6, announcement, learners["Ana Ruiz"]),  # the same learner again
        make_event(7, kind="skill_opened", learner_id=learners["Ana Ruiz"], pack_id="p",
                   skill_id="s"),
    ]  # fmt: skip
    answer = push(server.base_url, lab, batch)
    assert answer.status_code == 200
    body = answer.json()
    assert sorted(body["accepted"]) == sorted(e["id"] for e in batch)  # all stored, receipted
    assert body["rejected"] == []
    assert _reads(server.engine) == [(announcement, learners["Ana Ruiz"])]
    with Session(server.engine) as session:
        flags = session.exec(
            select(Flag.event_id, Flag.kind).where(col(Flag.station_id) == lab.id)
        ).all()
    assert sorted(flags) == sorted(
        [
            (batch[1]["id"], "unknown_announcement"),
            (batch[2]["id"], "not_in_class"),
            (batch[3]["id"], "unknown_announcement"),
            (batch[4]["id"], "unknown_announcement"),
        ]
    )

    # Re-sent (receipts lost), and the same read from another station: still one.
    assert push(server.base_url, lab, batch).json()["duplicate"] == [e["id"] for e in batch]
    other = enrol(server.engine, station_id="lab-2", school_id=school_id)
    again = [
        _read(1, announcement, learners["Ana Ruiz"]),
        _read(2, announcement, learners["Ben Ode"]),
    ]
    assert push(server.base_url, other, again).status_code == 200
    assert _reads(server.engine) == sorted(
        [(announcement, learners["Ana Ruiz"]), (announcement, learners["Ben Ode"])]
    )


def test_a_station_of_another_school_cannot_read_for_this_one(server: RunningServer) -> None:
    _, announcement, learners = _school(server.engine)
    elsewhere, _, _ = _school(server.engine, name="Southside")
    lab = enrol(server.engine, station_id="lab-s", school_id=elsewhere)
    assert push(server.base_url, lab, [_read(1, announcement, learners["Ana Ruiz"])]).ok
    assert _reads(server.engine) == []


def test_eight_stations_reporting_the_same_reads_at_once_count_each_once(
    four_workers: Workers,  # noqa: F811
) -> None:
    engine = four_workers.engine
    school_id, announcement, learners = _school(engine)
    stations = [enrol(engine, station_id=f"s-{n}", school_id=school_id) for n in range(8)]
    start = threading.Barrier(len(stations))
    welding = [learners["Ana Ruiz"], learners["Ben Ode"]]

    def station_pushes(station: StationIdentity) -> list[int]:
        start.wait()
        codes = []
        for round_ in range(3):  # each station saw both learners read it, in either order
            order = welding if (round_ + int(station.id[2:])) % 2 else welding[::-1]
            events = [_read(round_ * 10 + n, announcement, who) for n, who in enumerate(order)]
            codes.append(push(four_workers.url, station, events).status_code)
        return codes

    with ThreadPoolExecutor(max_workers=len(stations)) as pool:
        answers = [code for codes in pool.map(station_pushes, stations) for code in codes]
    assert set(answers) == {200}
    assert _reads(engine) == sorted((announcement, who) for who in welding)
