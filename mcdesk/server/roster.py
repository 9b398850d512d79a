"""Class rosters from CSV: the whole file is checked first, and imported only if all good.

Columns: ``class`` and ``learner`` (required), ``external_id``, ``pin`` and ``teacher``
(optional). A ``pin`` is 4 to 6 digits (what the station's sign-in takes); a new learner
without one gets a random 4-digit PIN, handed back once in the report (and to
``write_pins`` before anything is committed) because only its hash is kept. ``teacher``
is a teacher's username in the same school and makes them the class's teacher; a new
class without one gets the school's first teacher, and a school with no teacher cannot
import classes (a station holds no class without a teacher).
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.errors import McdeskError
from mcdesk.protocol.ids import uuid7
from mcdesk.server.models import Learner, SchoolClass, Teacher
from mcdesk.server.pins import PinToSettle, settle_pin, settle_pins
from mcdesk.server.schools import learner_document, record_class, record_learner, record_learners

REQUIRED_COLUMNS = ("class", "learner")
EXTERNAL_ID = "external_id"
PIN = "pin"
TEACHER = "teacher"
MAX_NAME_CHARS = 100
PIN_DIGITS = (4, 6)
NEW_PIN_DIGITS = 4


class RosterError(McdeskError):
    """The file was refused; ``problems`` has one ``line N: reason`` entry per bad row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class IssuedPin:
    """A PIN made for a learner on import: shown once, never stored in plain text."""

    class_name: str
    learner: str
    pin: str


# Called with the new PINs before the import commits; raising stops the import.
PinsWriter = Callable[[list[IssuedPin]], None]


@dataclass(frozen=True, slots=True)
class RosterReport:
    created: int
    updated: int
    pins: tuple[IssuedPin, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    class_name: str
    learner: str
    external_id: str | None
    pin: str | None
    teacher: str | None


def _cell(raw: dict[str | None, str | None], column: str) -> str:
    return (raw.get(column) or "").strip()


def _check_row(line: int, raw: dict[str | None, str | None], header: list[str]) -> list[str]:
    problems: list[str] = []
    if None in raw:
        problems.append(f"line {line}: more values than columns")
    for column in REQUIRED_COLUMNS:
        value = raw.get(column)
        if value is None:
            problems.append(f"line {line}: missing column {column!r}")
        elif not value.strip():
            problems.append(f"line {line}: empty {column} name")
        elif len(value.strip()) > MAX_NAME_CHARS:
            problems.append(f"line {line}: {column} name over {MAX_NAME_CHARS} characters")
    for column in (EXTERNAL_ID, TEACHER):
        if column in header and len(_cell(raw, column)) > MAX_NAME_CHARS:
            problems.append(f"line {line}: {column} over {MAX_NAME_CHARS} characters")
    pin = _cell(raw, PIN)
    if pin and (problem := pin_problem(pin)):
        problems.append(f"line {line}: {problem}")
    return problems


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a learner's PIN (what the station's sign-in takes), or None."""
    low, high = PIN_DIGITS
    if pin.isascii() and pin.isdigit() and low <= len(pin) <= high:
        return None
    return f"a PIN is {low} to {high} digits (0-9), not {pin[:20]!r}"


def _parse(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise RosterError([f"line 1: missing column {name!r} in the header" for name in missing])
    reader.fieldnames = header
    problems: list[str] = []
    rows: list[_Row] = []
    seen_names: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, int] = {}
    class_teachers: dict[str, tuple[str, int]] = {}
    for raw in reader:
        line = reader.line_num
        row_problems = _check_row(line, raw, header)
        if row_problems:
            problems.extend(row_problems)
            continue
        row = _Row(
            line=line,
            class_name=_cell(raw, "class"),
            learner=_cell(raw, "learner"),
            external_id=_cell(raw, EXTERNAL_ID) or None,
            pin=_cell(raw, PIN) or None,
            teacher=_cell(raw, TEACHER) or None,
        )
        first = seen_names.setdefault((row.class_name, row.learner), line)
        if row.external_id is not None:
            first = min(first, seen_ids.setdefault(row.external_id, line))
        if first != line:
            problems.append(f"line {line}: duplicate of line {first}")
            continue
        if row.teacher is not None:
            named, where = class_teachers.setdefault(row.class_name, (row.teacher, line))
            if named != row.teacher:
                problems.append(
                    f"line {line}: class {row.class_name!r} has teacher {named!r} on line {where}"
                )
                continue
        rows.append(row)
    if problems:
        raise RosterError(problems)
    return rows


def _new_pin() -> str:
    return str(secrets.randbelow(10**NEW_PIN_DIGITS)).zfill(NEW_PIN_DIGITS)


def reset_pin(
    session: Session, *, learner: Learner, school_id: str, pin: str = "", now: datetime
) -> str:
    """Give the learner ``pin`` (or a new random one) and commit; the PIN, to show once.

    The new hash goes to stations in the ``roster`` stream; a station that takes it also
    lets a locked-out learner try again at once (mcdesk.sync.apply_roster).
    """
    pin = pin.strip() or _new_pin()
    if problem := pin_problem(pin):
        raise RosterError([problem[0].upper() + problem[1:]])
    new_hash = settle_pin(PinToSettle(pin, None))
    assert new_hash is not None  # nothing stored to match: always a new hash
    learner.pin_hash = new_hash
    session.add(learner)
    record_learner(session, learner, school_id=school_id, now=now)
    session.commit()
    return pin


def _class_teachers(
    session: Session, *, school_id: str, rows: list[_Row], classes: dict[str, SchoolClass]
) -> tuple[dict[str, str], list[str]]:
    """The teacher id each class of the file ends up with, and the lines that cannot work."""
    teachers = {
        t.username: t.id
        for t in session.exec(select(Teacher).where(Teacher.school_id == school_id))
    }
    default = min(teachers.values()) if teachers else None  # UUIDv7: the earliest teacher
    # Any row of a class may name its teacher (_parse refused rows that disagree).
    named = {row.class_name: row for row in rows if row.teacher is not None}
    chosen: dict[str, str] = {}
    problems: list[str] = []
    for row in rows:
        if row.class_name in chosen:
            continue
        existing = classes.get(row.class_name)
        naming = named.get(row.class_name)
        if naming is not None and naming.teacher is not None:
            if naming.teacher not in teachers:
                problems.append(
                    f"line {naming.line}: no teacher {naming.teacher!r} in this school; add "
                    "them with `mcdesk admin teacher add`"
                )
                chosen[row.class_name] = ""
                continue
            chosen[row.class_name] = teachers[naming.teacher]
        elif existing is not None and existing.teacher_id is not None:
            chosen[row.class_name] = existing.teacher_id
        elif default is not None:
            chosen[row.class_name] = default
        else:
            problems.append(
                f"line {row.line}: class {row.class_name!r} needs a teacher and this school has "
                "none; add one with `mcdesk admin teacher add` first"
            )
            chosen[row.class_name] = ""
    return chosen, problems


def import_roster_csv(
    session: Session,
    *,
    school_id: str,
    text: str,
    now: datetime | None = None,
    write_pins: PinsWriter | None = None,
) -> RosterReport:
    """Add or update a school's learners from CSV text (see the module docstring).

    A learner is matched by ``external_id`` when the row has one, else by class and name,
    so importing the same file again changes nothing and duplicates no one. Every change
    goes into the ``roster`` stream in the same transaction.
    """
    now = now or datetime.now(UTC)
    rows = _parse(text)
    classes = {
        c.name: c
        for c in session.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))
    }
    chosen, problems = _class_teachers(session, school_id=school_id, rows=rows, classes=classes)
    if problems:
        session.rollback()
        raise RosterError(problems)
    learners = list(
        session.exec(
            select(Learner).where(col(Learner.class_id).in_([c.id for c in classes.values()]))
        )
    )
    by_external = {lr.external_id: lr for lr in learners if lr.external_id is not None}
    by_name = {(lr.class_id, lr.display_name): lr for lr in learners}
    created = updated = 0
    pins: list[IssuedPin] = []
    settling: list[tuple[Learner, dict[str, Any] | None, PinToSettle | None]] = []
    changed_classes: list[SchoolClass] = []
    for class_name, teacher_id in chosen.items():
        school_class = classes.get(class_name)
        if school_class is None:
            school_class = SchoolClass(
                id=uuid7(), school_id=school_id, name=class_name, teacher_id=teacher_id
            )
            classes[class_name] = school_class
        elif school_class.teacher_id == teacher_id:
            continue
        school_class.teacher_id = teacher_id
        changed_classes.append(school_class)
    for row in rows:
        school_class = classes[row.class_name]
        key = (school_class.id, row.learner)
        match = by_external.get(row.external_id) if row.external_id else None
        occupant = by_name.get(key)
        if match is None:
            match = occupant
        elif occupant is not None and occupant is not match:
            problems.append(
                f"line {row.line}: {row.learner!r} in {row.class_name!r} is another learner"
            )
            continue
        if match is None:
            match = Learner(
                id=uuid7(),
                class_id=school_class.id,
                display_name=row.learner,
                external_id=row.external_id,
            )
            before = None
            created += 1
        else:
            before = learner_document(match)
            del by_name[(match.class_id, match.display_name)]
            match.class_id, match.display_name = school_class.id, row.learner
            if row.external_id is not None:
                match.external_id = row.external_id
            updated += 1
        by_name[key] = match
        if row.pin is not None:
            settling.append((match, before, PinToSettle(row.pin, match.pin_hash)))
        elif match.pin_hash is None:
            pin = _new_pin()
            settling.append((match, before, PinToSettle(pin, None)))
            pins.append(IssuedPin(class_name=row.class_name, learner=row.learner, pin=pin))
        else:
            settling.append((match, before, None))
    if problems:
        session.rollback()
        raise RosterError(problems)
    # Every scrypt run at once, on all cores, once the file is known to be good and
    # before anything is written (the change log's writer lock is not held meanwhile).
    jobs = [job for _, _, job in settling if job is not None]
    hashes = iter(settle_pins(jobs))
    for school_class in changed_classes:
        session.add(school_class)
        session.flush()  # no ORM relationships: the class row must exist before learners
        record_class(session, school_class, now=now)
    changed: list[Learner] = []
    for match, before, job in settling:
        if job is not None and (new_hash := next(hashes)) is not None:
            match.pin_hash = new_hash
        session.add(match)
        if learner_document(match) != before:
            changed.append(match)
    record_learners(session, changed, school_id=school_id, now=now)  # flushes the learners
    if pins and write_pins is not None:
        try:
            write_pins(pins)
        except BaseException:
            session.rollback()
            raise
    session.commit()
    return RosterReport(created=created, updated=updated, pins=tuple(pins))
