"""Accommodations set on the server: the station's own bounds, pulled into its exam rules."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.exam.accommodations import time_multiplier
from mcdesk.server.accommodations import clear_accommodation, set_accommodation
from mcdesk.server.models import Accommodation, Change
from mcdesk.server.schools import AdminError, find_learner
from mcdesk.store.connection import opened
from mcdesk.sync.apply_accommodations import apply_accommodations
from mcdesk.sync.apply_roster import apply_roster
from tests.server.conftest import RunningServer
from tests.server.pulling import enrolled_station, set_up_school

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
STREAMS = {"roster": apply_roster, "accommodations": apply_accommodations}


def test_extra_time_is_bounded_and_reaches_the_station(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    with Session(server.engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        ).id
        for bad in (0.5, 4.5, float("nan"), float("inf")):
            with pytest.raises(AdminError, match="a time multiplier must be between 1 and 4"):
                set_accommodation(session, learner_id=ana, multiplier=bad, now=NOW)
        assert session.exec(select(Accommodation)).all() == []
        assert not session.exec(select(Change).where(Change.stream == "accommodations")).all()
        set_accommodation(session, learner_id=ana, multiplier=1.5, now=NOW)

    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    assert station.pull(STREAMS).items["accommodations"] == 1
    with opened(station.database, read_only=True) as connection:
        assert time_multiplier(connection, learner_id=ana) == 1.5
    assert station.query("SELECT set_by FROM accommodation") == [("server",)]

    with Session(server.engine) as session:
        set_accommodation(session, learner_id=ana, multiplier=2, now=NOW)
        assert clear_accommodation(session, learner_id=ana, now=NOW)
        assert not clear_accommodation(session, learner_id=ana, now=NOW)  # had none
    # Two changes of one key in a page: only the newest (cleared) travels.
    assert station.pull(STREAMS).items["accommodations"] == 1
    with opened(station.database, read_only=True) as connection:
        assert time_multiplier(connection, learner_id=ana) == 1.0


def test_many_teachers_setting_one_learners_extra_time_at_once_store_one_row(
    server: RunningServer,
) -> None:
    """Each request in its own transaction, all at once: on PostgreSQL two first-time sets
    both found no row and both inserted one, and the second failed on the key (a 500)."""
    school = set_up_school(server.engine)
    with Session(server.engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        ).id
    start = threading.Barrier(8)

    def set_time(n: int) -> float:
        with Session(server.engine) as session:
            start.wait(timeout=30)
            set_accommodation(session, learner_id=ana, multiplier=1 + n / 8, now=NOW)
            return 1 + n / 8  # it raised nothing

    with ThreadPoolExecutor(8) as pool:
        stored = list(pool.map(set_time, range(8)))
    assert sorted(stored) == [1 + n / 8 for n in range(8)]
    with Session(server.engine) as session:
        (row,) = session.exec(select(Accommodation)).all()
        changed = session.exec(select(Change).where(Change.stream == "accommodations")).all()
    assert row.time_multiplier in stored
    assert len(changed) >= 1  # one change per key, the newest kept
