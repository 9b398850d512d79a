"""The ``roster`` stream on a station: the server's schools, teachers, classes, learners.

Keys are ``school:<id>``, ``teacher:<id>``, ``class:<id>`` and ``learner:<id>``. A page
is applied parents first (schools, teachers, classes, learners) and deletions children
first, because the store enforces its foreign keys on every statement.

Rules:

- A class needs a teacher on the station (NOT NULL). The server always names one
  (mcdesk.server.roster); a class that arrives without one gets its school's first
  teacher here, and with no teacher at all the page is refused with the reason.
- A deleted person or class is removed only if nothing refers to it. Otherwise the row
  stays, because progress, attempts and results point at it and are the station's
  record; a kept learner or teacher can no longer sign in (its hash is emptied).
- The bundled demo school goes the first time the server's roster arrives, unless a
  demo learner has an assessment attempt (then it stays: results point at it) or the
  station's codes still come from the demo teacher's issuer (then it goes when the
  server's code slots arrive, see mcdesk.sync.apply_codes): an attempt paused under
  the demo issuer must still be resumable with its codes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.demo_values import DEMO_TEACHER_ID
from mcdesk.exam.console import CODE_ISSUER_KEY
from mcdesk.store.tables import Learner, School, SchoolClass, Teacher
from mcdesk.study.signin import forget_learner_tries
from mcdesk.sync.documents import optional_text, raw_connection, split_key, state_value, text
from mcdesk.sync.pull import Item, PullRefused

KINDS = ("school", "teacher", "class", "learner")
DEMO_SCHOOL_ID = "demo-school"  # mcdesk.demo seeds these ids
NO_SIGN_IN = ""  # an empty hash: mcdesk.passwords.verify_secret never accepts it


def _referenced(connection: sqlite3.Connection, checks: list[tuple[str, str]], value: str) -> bool:
    for table, column in checks:
        query = f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1"
        if connection.execute(query, (value,)).fetchone() is not None:
            return True
    return False


LEARNER_REFERENCES = [
    ("attempt", "learner_id"),
    ("skill_progress", "learner_id"),
    ("selfcheck_run", "learner_id"),
    ("learner_prefs", "learner_id"),
    ("accommodation", "learner_id"),
    ("access_grant", "learner_id"),
]
CLASS_REFERENCES = [("learner", "class_id"), ("access_grant", "class_id")]
TEACHER_REFERENCES = [("school_class", "teacher_id"), ("issuer", "teacher_id")]
SCHOOL_REFERENCES = [("teacher", "school_id"), ("school_class", "school_id")]


_DEMO_LEARNERS = (
    "SELECT l.id FROM learner AS l JOIN school_class AS c ON c.id = l.class_id"
    " WHERE c.school_id = :school"
)
_DEMO_TEACHERS = "SELECT id FROM teacher WHERE school_id = :school"
_DEMO_CLASSES = "SELECT id FROM school_class WHERE school_id = :school"
_LEARNER_ROWS = (
    "access_grant",
    "accommodation",
    "learner_prefs",
    "selfcheck_run",
    "skill_progress",
)


def retire_demo_school(session: Session) -> bool:
    """Remove the demo school and everything of it when nothing needs it; True if removed."""
    connection = raw_connection(session)
    demo = {"school": DEMO_SCHOOL_ID}
    if connection.execute("SELECT 1 FROM school WHERE id = :school", demo).fetchone() is None:
        return False
    attempted = f"SELECT 1 FROM attempt WHERE learner_id IN ({_DEMO_LEARNERS}) LIMIT 1"
    if connection.execute(attempted, demo).fetchone() is not None:
        return False
    issuer = f"SELECT 1 FROM issuer WHERE teacher_id IN ({_DEMO_TEACHERS}) LIMIT 1"
    if (
        connection.execute(issuer, demo).fetchone()
        and state_value(session, CODE_ISSUER_KEY) is None
    ):
        return False  # the demo teacher still makes this station's codes
    session.flush()
    connection.execute(
        "DELETE FROM signin_throttle WHERE subject IN"
        f" (SELECT 'learner:' || id FROM ({_DEMO_LEARNERS})"
        f" UNION SELECT 'teacher:' || id FROM ({_DEMO_TEACHERS}))",
        demo,
    )
    for table in _LEARNER_ROWS:
        connection.execute(f"DELETE FROM {table} WHERE learner_id IN ({_DEMO_LEARNERS})", demo)
    connection.execute(f"DELETE FROM access_grant WHERE class_id IN ({_DEMO_CLASSES})", demo)
    connection.execute(f"DELETE FROM learner WHERE id IN ({_DEMO_LEARNERS})", demo)
    connection.execute("DELETE FROM school_class WHERE school_id = :school", demo)
    connection.execute(f"DELETE FROM issuer WHERE teacher_id IN ({_DEMO_TEACHERS})", demo)
    connection.execute("DELETE FROM teacher WHERE school_id = :school", demo)
    connection.execute("DELETE FROM school WHERE id = :school", demo)
    session.expire_all()  # rows removed behind the ORM's back
    return True


def _make_room_for_username(session: Session, teacher_id: str, username: str) -> None:
    """A kept demo teacher gives up a user name the server's teacher needs."""
    other = session.exec(select(Teacher).where(Teacher.username == username)).first()
    if other is None or other.id == teacher_id:
        return
    if other.id != DEMO_TEACHER_ID:
        raise PullRefused(
            f"the server's teacher {username!r} has the same user name as another teacher on "
            "this station; rename one of them on the server"
        )
    other.username = f"{other.username}-demo"
    session.add(other)
    session.flush()


def _put_school(session: Session, key: str, document: dict[str, Any]) -> None:
    school = session.get(School, text(document, "id", key=key)) or School(
        id=document["id"], name=""
    )
    school.name = text(document, "name", key=key)
    session.add(school)


def _put_teacher(session: Session, key: str, document: dict[str, Any]) -> None:
    teacher_id = text(document, "id", key=key)
    school_id = text(document, "school_id", key=key)
    if session.get(School, school_id) is None:
        raise PullRefused(f"{key}: its school {school_id} is not on this station")
    username = text(document, "username", key=key).strip()
    _make_room_for_username(session, teacher_id, username)
    teacher = session.get(Teacher, teacher_id) or Teacher(
        id=teacher_id, school_id=school_id, username=username, display_name="", password_hash=""
    )
    teacher.school_id, teacher.username = school_id, username
    teacher.display_name = text(document, "display_name", key=key)
    teacher.password_hash = optional_text(document, "password_hash", key=key) or NO_SIGN_IN
    session.add(teacher)


def _school_name(session: Session, school_id: str) -> str:
    school = session.get(School, school_id)
    return school_id if school is None else school.name


def _put_class(session: Session, key: str, document: dict[str, Any]) -> None:
    class_id = text(document, "id", key=key)
    school_id = text(document, "school_id", key=key)
    if session.get(School, school_id) is None:
        raise PullRefused(f"{key}: its school {school_id} is not on this station")
    teacher_id = optional_text(document, "teacher_id", key=key)
    if teacher_id is None:
        first = session.exec(
            select(Teacher.id).where(Teacher.school_id == school_id).order_by(col(Teacher.id))
        ).first()
        if first is None:
            raise PullRefused(
                f"class {document.get('name')!r} has no teacher: add a teacher to school "
                f"{_school_name(session, school_id)!r} on the server (mcdesk admin teacher add)"
            )
        teacher_id = first
    elif session.get(Teacher, teacher_id) is None:
        raise PullRefused(f"{key}: its teacher {teacher_id} is not on this station")
    school_class = session.get(SchoolClass, class_id) or SchoolClass(
        id=class_id, school_id=school_id, teacher_id=teacher_id, name=""
    )
    school_class.school_id, school_class.teacher_id = school_id, teacher_id
    school_class.name = text(document, "name", key=key)
    session.add(school_class)


def _put_learner(session: Session, key: str, document: dict[str, Any]) -> None:
    learner_id = text(document, "id", key=key)
    class_id = text(document, "class_id", key=key)
    if session.get(SchoolClass, class_id) is None:
        raise PullRefused(f"{key}: its class {class_id} is not on this station")
    learner = session.get(Learner, learner_id) or Learner(
        id=learner_id, class_id=class_id, display_name="", pin_hash=""
    )
    learner.class_id = class_id
    learner.display_name = text(document, "display_name", key=key)
    pin_hash = optional_text(document, "pin_hash", key=key) or NO_SIGN_IN
    if learner.pin_hash and pin_hash != learner.pin_hash:
        # A PIN reset on the server: the wrong tries of the old PIN no longer count.
        forget_learner_tries(session.connection(), learner_id=learner_id)
    learner.pin_hash = pin_hash
    session.add(learner)


PUT = {"school": _put_school, "teacher": _put_teacher, "class": _put_class, "learner": _put_learner}
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "learner": ("learner", LEARNER_REFERENCES),
    "class": ("school_class", CLASS_REFERENCES),
    "teacher": ("teacher", TEACHER_REFERENCES),
    "school": ("school", SCHOOL_REFERENCES),
}


def _remove(session: Session, kind: str, entity: str) -> None:
    table, references = TABLES[kind]
    connection = raw_connection(session)
    session.flush()
    if not _referenced(connection, references, entity):
        connection.execute(f"DELETE FROM {table} WHERE id = ?", (entity,))
    elif kind == "learner":
        connection.execute("UPDATE learner SET pin_hash = ? WHERE id = ?", (NO_SIGN_IN, entity))
    elif kind == "teacher":
        connection.execute(
            "UPDATE teacher SET password_hash = ? WHERE id = ?", (NO_SIGN_IN, entity)
        )
    session.expire_all()


def apply_roster(session: Session, items: list[Item], now: datetime) -> None:
    """Upsert the page's schools, teachers, classes and learners; remove deleted ones."""
    del now  # roster rows carry no times of their own
    parsed = [(split_key(key, KINDS), key, document) for key, document in items]
    retire_demo_school(session)
    try:
        for kind in KINDS:
            for (item_kind, _), key, document in parsed:
                if item_kind == kind and document is not None:
                    PUT[kind](session, key, document)
            session.flush()
        for kind in reversed(KINDS):
            for (item_kind, entity), _, document in parsed:
                if item_kind == kind and document is None:
                    _remove(session, kind, entity)
    except IntegrityError as exc:
        raise PullRefused(f"the roster does not fit this station's records ({exc.orig})") from None
