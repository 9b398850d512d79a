"""Roster CSV import: all or nothing, every bad line named, re-import updates in place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from mcdesk.passwords import PIN_SCRYPT_N, verify_secret
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Learner, School, SchoolClass, Teacher
from mcdesk.server.pins import POOL_FROM, PinToSettle, settle_pins
from mcdesk.server.roster import RosterError, import_roster_csv

GOOD = "class,learner,external_id\nWelding 1,Ana Ruiz,S-1\nWelding 1,Ben Ode,\nCNC,Chi Li,S-3\n"


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    migrate(engine)
    try:
        with Session(engine) as session:
            session.add(School(id="school-1", name="Northside"))
            session.flush()
            # Every class needs a teacher; the school's first is the default.
            session.add(Teacher(id="t-1", school_id="school-1", username="lee", display_name="Lee"))
            session.commit()
            yield session
    finally:
        engine.dispose()


def roster(session: Session) -> list[tuple[str, str, str | None]]:
    rows = session.exec(
        select(SchoolClass.name, Learner.display_name, Learner.external_id)
        .join(SchoolClass, col(SchoolClass.id) == col(Learner.class_id))
        .order_by(col(Learner.display_name))
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_good_file_imports(session: Session) -> None:
    report = import_roster_csv(session, school_id="school-1", text=GOOD)
    assert (report.created, report.updated) == (3, 0)
    assert len(report.pins) == 3  # no pin column: each new learner gets one, shown once
    assert roster(session) == [
        ("Welding 1", "Ana Ruiz", "S-1"),
        ("Welding 1", "Ben Ode", None),
        ("CNC", "Chi Li", "S-3"),
    ]


def test_every_bad_row_is_reported_and_nothing_is_imported(session: Session) -> None:
    text = (
        "class,learner\n"
        "Welding 1,Ana Ruiz\n"
        "Welding 1,\n"  # line 3: empty name
        "Welding 1,Ana Ruiz\n"  # line 4: duplicate of line 2
        f"CNC,{'x' * 101}\n"  # line 5: too long
        "CNC,Chi Li\n"
    )
    with pytest.raises(RosterError) as caught:
        import_roster_csv(session, school_id="school-1", text=text)
    assert caught.value.problems == [
        "line 3: empty learner name",
        "line 4: duplicate of line 2",
        "line 5: learner name over 100 characters",
    ]
    assert roster(session) == []
    assert session.exec(select(SchoolClass)).all() == []


def test_a_missing_column_is_reported(session: Session) -> None:
    with pytest.raises(RosterError) as caught:
        import_roster_csv(session, school_id="school-1", text="class,name\nCNC,Chi\n")
    assert caught.value.problems == ["line 1: missing column 'learner' in the header"]
    with pytest.raises(RosterError) as caught:
        import_roster_csv(session, school_id="school-1", text="class,learner\nCNC\n")
    assert caught.value.problems == ["line 2: missing column 'learner'"]


def test_reimport_updates_and_does_not_duplicate(session: Session) -> None:
    import_roster_csv(session, school_id="school-1", text=GOOD)
    again = import_roster_csv(session, school_id="school-1", text=GOOD)
    assert (again.created, again.updated, again.pins) == (0, 3, ())
    moved = "class,learner,external_id\nCNC,Ana Ruiz-Ode,S-1\nWelding 1,Dee Fox,\n"
    report = import_roster_csv(session, school_id="school-1", text=moved)
    assert (report.created, report.updated) == (1, 1)
    assert roster(session) == [
        ("CNC", "Ana Ruiz-Ode", "S-1"),
        ("Welding 1", "Ben Ode", None),
        ("CNC", "Chi Li", "S-3"),
        ("Welding 1", "Dee Fox", None),
    ]
    assert len(session.exec(select(SchoolClass)).all()) == 2


def test_a_large_roster_hashes_its_pins_at_pin_cost_on_a_process_pool(session: Session) -> None:
    """Past POOL_FROM PINs the hashing runs in a spawned pool; every PIN still verifies."""
    count = POOL_FROM + 36
    given = {f"Learner {n:03d}": f"{(n * 7919) % 10000:04d}" for n in range(count)}
    text = "class,learner,pin\n" + "".join(f"CNC,{name},{pin}\n" for name, pin in given.items())
    assert import_roster_csv(session, school_id="school-1", text=text).created == count
    stored = {lr.display_name: lr.pin_hash for lr in session.exec(select(Learner)) if lr.pin_hash}
    assert len(stored) == count
    # The roster cost (passwords.PIN_SCRYPT_N), not the teacher-password cost.
    assert {digest.split("$")[1] for digest in stored.values()} == {str(PIN_SCRYPT_N)}
    for name in ("Learner 000", f"Learner {count - 1:03d}"):
        assert verify_secret(given[name], stored[name])
        assert not verify_secret("99999", stored[name])
    # Importing the same PINs again keeps every hash (each one verified, none re-made).
    again = import_roster_csv(session, school_id="school-1", text=text)
    assert (again.created, again.updated) == (0, count)
    session.expire_all()
    assert {lr.display_name: lr.pin_hash for lr in session.exec(select(Learner))} == stored


def test_settle_pins_keeps_order_and_matching_hashes() -> None:
    jobs = [PinToSettle(f"{n:04d}", None) for n in range(POOL_FROM)]
    hashes = settle_pins(jobs, processes=2)
    assert all(h is not None and verify_secret(j.pin, h) for j, h in zip(jobs, hashes, strict=True))
    kept = settle_pins([PinToSettle(j.pin, h) for j, h in zip(jobs, hashes, strict=True)])
    assert kept == [None] * len(jobs)
