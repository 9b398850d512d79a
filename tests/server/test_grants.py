"""Grants: dates checked with clear messages, and pulled into the station's access rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.content.access import granted_pack_ids
from mcdesk.server.grants import add_grant, check_pack_id, list_grants, parse_when, revoke_grant
from mcdesk.server.models import Grant
from mcdesk.server.schools import AdminError, find_class, find_learner
from mcdesk.store.connection import opened
from mcdesk.sync.apply_grants import apply_grants
from mcdesk.sync.apply_roster import apply_roster
from tests.server.conftest import RunningServer
from tests.server.pulling import enrolled_station, set_up_school

NOW = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
PACIFIC = timezone(timedelta(hours=-7))


def test_dates_are_days_in_the_local_zone_and_bad_ones_say_how_to_write_them() -> None:
    opens = parse_when("2026-09-01", option="--opens", end_of_day=False, zone=PACIFIC)
    closes = parse_when("2026-12-18", option="--closes", end_of_day=True, zone=PACIFIC)
    assert opens == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
    assert closes == datetime(2026, 12, 19, 7, 0, tzinfo=UTC)  # open all of the 18th
    exact = parse_when("2026-09-01T08:30+02:00", option="--opens", end_of_day=False)
    assert exact == datetime(2026, 9, 1, 6, 30, tzinfo=UTC)
    for bad in ("2026-13-01", "01/09/2026", "tomorrow", ""):
        with pytest.raises(AdminError, match="is not a date: use YYYY-MM-DD"):
            parse_when(bad, option="--opens", end_of_day=False)
    with pytest.raises(AdminError, match="is not a pack id"):
        check_pack_id("Carpentry Basics")
    assert check_pack_id(" * ") == "*"


def _ids(server: RunningServer, school_id: str) -> tuple[str, str, str]:
    with Session(server.engine) as session:
        welding = find_class(session, school_id=school_id, name="Welding 1").id
        chi = find_learner(session, school_id=school_id, class_name="CNC", name="Chi Li").id
        ana = find_learner(session, school_id=school_id, class_name="Welding 1", name="Ana Ruiz").id
    return welding, chi, ana


def test_grants_reach_the_station_and_open_packs_in_their_window(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    welding, chi, ana = _ids(server, school.school_id)
    opens = datetime(2026, 9, 1, tzinfo=UTC)
    closes = datetime(2026, 12, 19, tzinfo=UTC)
    with Session(server.engine) as session:

        def grant(
            class_id: str | None,
            learner_id: str | None,
            opens_at: datetime | None,
            closes_at: datetime | None,
        ) -> Grant:
            return add_grant(
                session, school_id=school.school_id, pack_id="sample-pack", class_id=class_id,
                learner_id=learner_id, opens_at=opens_at, closes_at=closes_at, now=NOW,
            )  # fmt: skip

        with pytest.raises(AdminError, match=r"--closes \(2026-09-01 00:00 UTC\) must be after"):
            grant(welding, None, opens, opens)
        with pytest.raises(AdminError, match="is in the past: the grant would never be open"):
            grant(welding, None, None, NOW - timedelta(days=1))
        with pytest.raises(AdminError, match="a grant is for a class or for one learner"):
            grant(welding, chi, None, None)
        assert session.exec(select(Grant)).all() == []
        for_class = grant(welding, None, opens, closes)
        add_grant(
            session, school_id=school.school_id, pack_id="cnc-basics", class_id=None,
            learner_id=chi, opens_at=None, closes_at=None, now=NOW,
        )  # fmt: skip
        assert [g.to for g in list_grants(session)] == ["class Welding 1", "Chi Li (CNC)"]
        class_grant = for_class.id

    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    report = station.pull({"roster": apply_roster, "grants": apply_grants})
    assert report.items["grants"] == 2

    def granted(learner: str, when: datetime) -> set[str]:
        with opened(station.database, read_only=True) as connection:
            return granted_pack_ids(connection, learner_id=learner, now=when)

    autumn = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    assert granted(ana, autumn) == {"sample-pack"}
    assert granted(ana, datetime(2026, 8, 31, 23, 59, tzinfo=UTC)) == set()
    assert granted(ana, datetime(2026, 12, 19, 0, 1, tzinfo=UTC)) == set()
    assert granted(chi, autumn) == {"cnc-basics"}  # the learner's grant is not the class's

    with Session(server.engine) as session:
        revoke_grant(session, grant_id=class_grant, now=NOW)
        with pytest.raises(AdminError, match="no grant 'nope'"):
            revoke_grant(session, grant_id="nope", now=NOW)
    assert station.pull({"roster": apply_roster, "grants": apply_grants}).items["grants"] == 1
    assert granted(ana, autumn) == set()
    assert station.query("SELECT count(*) FROM access_grant") == [(1,)]
