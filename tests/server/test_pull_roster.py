"""The roster stream end to end: admin on the server, a real pull, sign-in on the station."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Change, SchoolClass
from mcdesk.server.roster import RosterError, import_roster_csv
from mcdesk.server.schools import AdminError, add_school, add_teacher, set_class_teacher
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.study.signin import sign_in_learner, sign_in_teacher
from mcdesk.sync.apply_roster import apply_roster
from tests.server.conftest import RunningServer
from tests.server.pulling import TEACHER_PASSWORD, enrolled_station, set_up_school

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def _learner_id(station_db: Path, name: str) -> str:
    engine = make_store_engine(station_db)
    try:
        with engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT id FROM learner WHERE display_name = ?", (name,)
            ).one()
    finally:
        engine.dispose()
    return str(row[0])


def test_a_pulled_roster_lets_learners_and_teachers_sign_in(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    report = station.pull({"roster": apply_roster})
    # School, teacher, two classes, three learners.
    assert report.items == {"roster": 7}
    assert station.query("SELECT name FROM school") == [("Northside",)]
    rows = station.query(
        "SELECT c.name, l.display_name, c.teacher_id FROM learner AS l"
        " JOIN school_class AS c ON c.id = l.class_id ORDER BY l.display_name"
    )
    assert [(c, n) for c, n, _ in rows] == [
        ("Welding 1", "Ana Ruiz"),
        ("Welding 1", "Ben Ode"),
        ("CNC", "Chi Li"),
    ]
    assert {teacher for _, _, teacher in rows} == {school.teacher_id}

    engine = make_store_engine(station.database)
    try:
        for name in ("Ana Ruiz", "Ben Ode", "Chi Li"):  # given PINs and an issued one
            learner_id = _learner_id(station.database, name)
            assert sign_in_learner(engine, learner_id=learner_id, pin=school.pins[name], now=NOW).ok
        wrong = "0000" if school.pins["Ana Ruiz"] != "0000" else "1111"
        ana = _learner_id(station.database, "Ana Ruiz")
        assert not sign_in_learner(engine, learner_id=ana, pin=wrong, now=NOW).ok
        teacher = sign_in_teacher(engine, username="mlee", password=TEACHER_PASSWORD, now=NOW)
        assert teacher.ok
        assert teacher.display_name == "Ms Lee"
    finally:
        engine.dispose()

    # A changed PIN and a renamed learner travel; unchanged rows do not.
    with Session(server.engine) as session:
        text = "class,learner,external_id,pin\nWelding 1,Ana Ruiz-Ode,S-1,7777\n"
        import_roster_csv(session, school_id=school.school_id, text=text)
    assert station.pull({"roster": apply_roster}).items == {"roster": 1}
    assert ana == _learner_id(station.database, "Ana Ruiz-Ode")
    engine = make_store_engine(station.database)
    try:
        assert sign_in_learner(engine, learner_id=ana, pin="7777", now=NOW).ok
        assert not sign_in_learner(engine, learner_id=ana, pin="4821", now=NOW).ok
    finally:
        engine.dispose()
    # Nothing new: the next pull brings nothing.
    assert station.pull({"roster": apply_roster}).items == {"roster": 0}


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    migrate(engine)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def test_bad_pins_and_teachers_are_reported_by_line_and_nothing_is_imported(
    session: Session,
) -> None:
    school = add_school(session, name="Northside", now=NOW)
    add_teacher(
        session, school_id=school.id, username="mlee", display_name="Ms Lee",
        password=TEACHER_PASSWORD, now=NOW,
    )  # fmt: skip
    before = len(session.exec(select(Change)).all())
    text = (
        "class,learner,pin,teacher\n"
        "CNC,Ana,12,\n"  # line 2: too short
        "CNC,Ben,1234567,\n"  # line 3: longer than the station's sign-in takes
        "CNC,Chi,12a4,\n"  # line 4: not digits
        "CNC,Dee,１２３４,\n"  # line 5: digits of another script
        "CNC,Eve,123456,mlee\n"  # good
        "CNC,Fay,,nobody\n"  # line 7: class CNC has teacher mlee on line 6
        "Weld,Gus,,nobody\n"  # a teacher this school lacks (checked once the file parses)
    )
    with pytest.raises(RosterError) as caught:
        import_roster_csv(session, school_id=school.id, text=text)
    assert caught.value.problems == [
        "line 2: a PIN is 4 to 6 digits (0-9), not '12'",
        "line 3: a PIN is 4 to 6 digits (0-9), not '1234567'",
        "line 4: a PIN is 4 to 6 digits (0-9), not '12a4'",
        "line 5: a PIN is 4 to 6 digits (0-9), not '１２３４'",
        "line 7: class 'CNC' has teacher 'mlee' on line 6",
    ]
    with pytest.raises(RosterError) as caught:
        import_roster_csv(
            session, school_id=school.id, text="class,learner,teacher\nWeld,Gus,nobody\n"
        )
    assert caught.value.problems == [
        "line 2: no teacher 'nobody' in this school; add them with `mcdesk admin teacher add`"
    ]
    assert session.exec(select(SchoolClass)).all() == []
    assert len(session.exec(select(Change)).all()) == before


def test_a_class_gets_a_teacher_and_a_school_without_one_cannot_import(session: Session) -> None:
    empty = add_school(session, name="Empty", now=NOW)
    with pytest.raises(RosterError) as caught:
        import_roster_csv(session, school_id=empty.id, text="class,learner\nCNC,Ana\n")
    assert caught.value.problems == [
        "line 2: class 'CNC' needs a teacher and this school has none; add one with "
        "`mcdesk admin teacher add` first"
    ]
    school = add_school(session, name="Northside", now=NOW)
    first = add_teacher(
        session, school_id=school.id, username="mlee", display_name="Ms Lee",
        password=TEACHER_PASSWORD, now=NOW,
    )  # fmt: skip
    second = add_teacher(
        session, school_id=school.id, username="okafor", display_name="Mr Okafor",
        password=TEACHER_PASSWORD, now=NOW,
    )  # fmt: skip
    text = "class,learner,pin,teacher\nCNC,Ana,1234,\nWeld,Ben,1234,okafor\nWeld,Cy,1234,\n"
    import_roster_csv(session, school_id=school.id, text=text)
    teachers = {c.name: c.teacher_id for c in session.exec(select(SchoolClass))}
    assert teachers == {"CNC": first.id, "Weld": second.id}
    set_class_teacher(session, school_id=school.id, class_name="CNC", username="okafor", now=NOW)
    assert session.exec(select(SchoolClass).where(SchoolClass.name == "CNC")).one().teacher_id == (
        second.id
    )
    with pytest.raises(AdminError, match="no teacher with the username 'nobody'"):
        set_class_teacher(
            session, school_id=school.id, class_name="CNC", username="nobody", now=NOW
        )
    with pytest.raises(AdminError, match="at least 8 characters"):
        add_teacher(
            session, school_id=school.id, username="short", display_name="S", password="abc",
            now=NOW,
        )  # fmt: skip
