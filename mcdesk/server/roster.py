"""Class rosters from CSV: the whole file is checked first, and imported only if all good."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session, col, select

from mcdesk.ids import uuid7
from mcdesk.server.models import Learner, SchoolClass

REQUIRED_COLUMNS = ("class", "learner")
EXTERNAL_ID = "external_id"
MAX_NAME_CHARS = 100


class RosterError(Exception):
    """The file was refused; ``problems`` has one ``line N: reason`` entry per bad row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RosterReport:
    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    class_name: str
    learner: str
    external_id: str | None


def _check_row(line: int, raw: dict[str | None, str | None], has_external: bool) -> list[str]:
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
    if has_external and len((raw.get(EXTERNAL_ID) or "").strip()) > MAX_NAME_CHARS:
        problems.append(f"line {line}: external_id over {MAX_NAME_CHARS} characters")
    return problems


def _parse(text: str) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise RosterError([f"line 1: missing column {name!r} in the header" for name in missing])
    reader.fieldnames = header
    has_external = EXTERNAL_ID in header
    problems: list[str] = []
    rows: list[_Row] = []
    seen_names: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        row_problems = _check_row(line, raw, has_external)
        if row_problems:
            problems.extend(row_problems)
            continue
        row = _Row(
            line=line,
            class_name=(raw["class"] or "").strip(),
            learner=(raw["learner"] or "").strip(),
            external_id=(raw.get(EXTERNAL_ID) or "").strip() or None,
        )
        first = seen_names.setdefault((row.class_name, row.learner), line)
        if row.external_id is not None:
            first = min(first, seen_ids.setdefault(row.external_id, line))
        if first != line:
            problems.append(f"line {line}: duplicate of line {first}")
            continue
        rows.append(row)
    if problems:
        raise RosterError(problems)
    return rows


def import_roster_csv(session: Session, *, school_id: str, text: str) -> RosterReport:
    """Add or update a school's learners from ``class,learner[,external_id]`` CSV text.

    A learner is matched by ``external_id`` when the row has one, else by class and name,
    so importing the same file again changes nothing and duplicates no one.
    """
    rows = _parse(text)
    classes = {
        c.name: c
        for c in session.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))
    }
    learners = list(
        session.exec(
            select(Learner).where(col(Learner.class_id).in_([c.id for c in classes.values()]))
        )
    )
    by_external = {lr.external_id: lr for lr in learners if lr.external_id is not None}
    by_name = {(lr.class_id, lr.display_name): lr for lr in learners}
    created = updated = 0
    problems: list[str] = []
    for row in rows:
        school_class = classes.get(row.class_name)
        if school_class is None:
            school_class = SchoolClass(id=uuid7(), school_id=school_id, name=row.class_name)
            classes[row.class_name] = school_class
            session.add(school_class)
            session.flush()  # no ORM relationships: the class row must exist before learners
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
            learner = Learner(
                id=uuid7(),
                class_id=school_class.id,
                display_name=row.learner,
                external_id=row.external_id,
            )
            session.add(learner)
            by_name[key] = learner
            created += 1
            continue
        del by_name[(match.class_id, match.display_name)]
        match.class_id, match.display_name = school_class.id, row.learner
        if row.external_id is not None:
            match.external_id = row.external_id
        by_name[key] = match
        session.add(match)
        updated += 1
    if problems:
        session.rollback()
        raise RosterError(problems)
    session.commit()
    return RosterReport(created=created, updated=updated)
