"""Schools, teachers and classes on the server, and their documents in the roster stream.

Every write here records the entity's whole document in the ``roster`` stream in the
same transaction (keys ``school:<id>``, ``teacher:<id>``, ``class:<id>``,
``learner:<id>``), so a station that pulls the stream ends up with the same rows.
Only hashes of passwords and PINs leave the server (mcdesk.passwords, the format the
station's sign-in checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from mcdesk.errors import McdeskError
from mcdesk.passwords import hash_secret
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.models import Learner, School, SchoolClass, Teacher
from mcdesk.server.roles import TEACHER_ROLE, TEACHER_ROLES
from mcdesk.server.signin_models import WebSession

MIN_PASSWORD_CHARS = 8
MAX_NAME_CHARS = 100


class AdminError(McdeskError):
    """An administration request refused; the message says what is wrong and what to do."""


def school_document(school: School) -> dict[str, Any]:
    return {"id": school.id, "name": school.name}


def teacher_document(teacher: Teacher) -> dict[str, Any]:
    return {
        "id": teacher.id,
        "school_id": teacher.school_id,
        "username": teacher.username,
        "display_name": teacher.display_name,
        "password_hash": teacher.password_hash,
    }


def class_document(school_class: SchoolClass) -> dict[str, Any]:
    return {
        "id": school_class.id,
        "school_id": school_class.school_id,
        "name": school_class.name,
        "teacher_id": school_class.teacher_id,
    }


def learner_document(learner: Learner) -> dict[str, Any]:
    return {
        "id": learner.id,
        "class_id": learner.class_id,
        "display_name": learner.display_name,
        "pin_hash": learner.pin_hash,
    }


def record_school(session: Session, school: School, *, now: datetime) -> None:
    changes.record(
        session,
        stream=Stream.ROSTER,
        key=f"school:{school.id}",
        document=school_document(school),
        now=now,
        school_id=school.id,
    )


def record_teacher(session: Session, teacher: Teacher, *, now: datetime) -> None:
    changes.record(
        session,
        stream=Stream.ROSTER,
        key=f"teacher:{teacher.id}",
        document=teacher_document(teacher),
        now=now,
        school_id=teacher.school_id,
    )


def record_class(session: Session, school_class: SchoolClass, *, now: datetime) -> None:
    changes.record(
        session,
        stream=Stream.ROSTER,
        key=f"class:{school_class.id}",
        document=class_document(school_class),
        now=now,
        school_id=school_class.school_id,
    )


def record_learner(session: Session, learner: Learner, *, school_id: str, now: datetime) -> None:
    record_learners(session, [learner], school_id=school_id, now=now)


def record_learners(
    session: Session, learners: Sequence[Learner], *, school_id: str, now: datetime
) -> None:
    """One roster change per learner, in order (one insert for a whole import)."""
    changes.record_many(
        session,
        stream=Stream.ROSTER,
        entries=[(f"learner:{lr.id}", learner_document(lr)) for lr in learners],
        now=now,
        school_id=school_id,
    )


def find_school(session: Session, name: str) -> School:
    school = session.exec(select(School).where(School.name == name.strip())).first()
    if school is None:
        raise AdminError(f"no school called {name!r}; add it with `mcdesk admin school add`")
    return school


def find_class(session: Session, *, school_id: str, name: str) -> SchoolClass:
    school_class = session.exec(
        select(SchoolClass).where(
            SchoolClass.school_id == school_id, SchoolClass.name == name.strip()
        )
    ).first()
    if school_class is None:
        raise AdminError(f"no class called {name!r} in this school; import it with a roster")
    return school_class


def find_learner(session: Session, *, school_id: str, class_name: str, name: str) -> Learner:
    school_class = find_class(session, school_id=school_id, name=class_name)
    learner = session.exec(
        select(Learner).where(
            Learner.class_id == school_class.id, Learner.display_name == name.strip()
        )
    ).first()
    if learner is None:
        raise AdminError(f"no learner called {name!r} in class {class_name!r}")
    return learner


def find_teacher(session: Session, *, school_id: str, username: str) -> Teacher:
    """A teacher (or school administrator) of this school, by username."""
    teacher = session.exec(
        select(Teacher).where(Teacher.username == username.strip(), Teacher.school_id == school_id)
    ).first()
    if teacher is None:
        raise AdminError(f"no teacher with the username {username!r} in this school")
    return teacher


def first_teacher(session: Session, *, school_id: str) -> Teacher | None:
    """The school's earliest teacher (ids are time-ordered UUIDv7): the default for a class."""
    return session.exec(
        select(Teacher).where(Teacher.school_id == school_id).order_by(col(Teacher.id))
    ).first()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AdminError(f"a teacher password needs at least {MIN_PASSWORD_CHARS} characters")
    if password != password.strip():
        raise AdminError("a teacher password cannot start or end with a space")


def _check_name(what: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise AdminError(f"the {what} is empty")
    if len(value) > MAX_NAME_CHARS:
        raise AdminError(f"the {what} is over {MAX_NAME_CHARS} characters")
    return value


def add_school(session: Session, *, name: str, now: datetime) -> School:
    school = School(id=uuid7(), name=_check_name("school name", name))
    session.add(school)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise AdminError(f"a school called {school.name!r} exists already") from None
    record_school(session, school, now=now)
    session.commit()
    return school


def add_teacher(
    session: Session,
    *,
    school_id: str,
    username: str,
    display_name: str,
    password: str,
    now: datetime,
    role: str = TEACHER_ROLE,
) -> Teacher:
    """A new teacher with a hashed password; classes of the school without one get them."""
    check_password(password)
    check_role(role)
    teacher = Teacher(
        id=uuid7(),
        school_id=school_id,
        username=_check_name("user name", username),
        display_name=_check_name("display name", display_name),
        password_hash=hash_secret(password),
        role=role,
    )
    session.add(teacher)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise AdminError(f"the username {teacher.username!r} is taken") from None
    record_teacher(session, teacher, now=now)
    # Classes made before any teacher existed (older servers) get this one: a station
    # cannot hold a class without a teacher.
    orphans = session.exec(
        select(SchoolClass).where(
            SchoolClass.school_id == school_id, col(SchoolClass.teacher_id).is_(None)
        )
    )
    for school_class in orphans:
        school_class.teacher_id = teacher.id
        session.add(school_class)
        record_class(session, school_class, now=now)
    session.commit()
    return teacher


def set_teacher_password(
    session: Session, *, username: str, password: str, now: datetime
) -> Teacher:
    check_password(password)
    teacher = session.exec(select(Teacher).where(Teacher.username == username.strip())).first()
    if teacher is None:
        raise AdminError(f"no teacher with the username {username!r}")
    teacher.password_hash = hash_secret(password)
    session.add(teacher)
    _end_web_sessions(session, teacher_id=teacher.id)  # whoever knew the old one is out
    record_teacher(session, teacher, now=now)
    session.commit()
    return teacher


def _end_web_sessions(session: Session, *, teacher_id: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.teacher_id) == teacher_id))


def check_role(role: str) -> None:
    if role not in TEACHER_ROLES:
        raise AdminError(f"a role is one of {', '.join(TEACHER_ROLES)}, not {role!r}")


def set_teacher_role(session: Session, *, username: str, role: str) -> Teacher:
    """Make a teacher a school administrator (the whole school) or a teacher (their classes)."""
    check_role(role)
    teacher = session.exec(select(Teacher).where(Teacher.username == username.strip())).first()
    if teacher is None:
        raise AdminError(f"no teacher with the username {username!r}")
    teacher.role = role
    session.add(teacher)
    _end_web_sessions(session, teacher_id=teacher.id)  # no session keeps the old reach
    session.commit()
    return teacher


def set_class_teacher(
    session: Session, *, school_id: str, class_name: str, username: str, now: datetime
) -> SchoolClass:
    """Make a teacher of the same school the teacher of a class."""
    school_class = find_class(session, school_id=school_id, name=class_name)
    teacher = find_teacher(session, school_id=school_id, username=username)
    if school_class.teacher_id != teacher.id:
        school_class.teacher_id = teacher.id
        session.add(school_class)
        record_class(session, school_class, now=now)
        session.commit()
    return school_class
