"""The demo school, teacher and class seeded on first run, so the app works out of the box.

Every name and secret here is a demonstration value and is printed for anyone to use.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from mcdesk.content.access import ALL_PACKS
from mcdesk.demo_values import (
    DEMO_CLASS,
    DEMO_LEARNER_PIN,
    DEMO_LEARNERS,
    DEMO_SCHOOL,
    DEMO_TEACHER_ID,
    DEMO_TEACHER_NAME,
    DEMO_TEACHER_PASSWORD,
    DEMO_TEACHER_USERNAME,
    login_hints,
)
from mcdesk.passwords import hash_pin, hash_secret
from mcdesk.store.tables import AccessGrant, Learner, School, SchoolClass, Teacher

__all__ = [
    "DEMO_CLASS",
    "DEMO_LEARNERS",
    "DEMO_LEARNER_PIN",
    "DEMO_SCHOOL",
    "DEMO_TEACHER_ID",
    "DEMO_TEACHER_NAME",
    "DEMO_TEACHER_PASSWORD",
    "DEMO_TEACHER_USERNAME",
    "is_seeded",
    "login_hints",
    "seed_demo",
]


def is_seeded(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(School)).first() is not None


def seed_demo(engine: Engine) -> bool:
    """Add the demo school, teacher and learners unless a school exists; True if added."""
    with Session(engine) as session:
        if session.exec(select(School)).first() is not None:
            return False
        school = School(id="demo-school", name=DEMO_SCHOOL)
        teacher = Teacher(
            id=DEMO_TEACHER_ID,
            school_id=school.id,
            username=DEMO_TEACHER_USERNAME,
            display_name=DEMO_TEACHER_NAME,
            password_hash=hash_secret(DEMO_TEACHER_PASSWORD),
        )
        school_class = SchoolClass(
            id="demo-class", school_id=school.id, teacher_id=teacher.id, name=DEMO_CLASS
        )
        # No ORM relationships, so flush parents first for the foreign keys.
        for row in (school, teacher, school_class):
            session.add(row)
            session.flush()
        # One hash for every demo learner, at a roster PIN's cost: the PIN is the same
        # for all and printed in the login hints, so a salt of their own hides nothing,
        # and a first run skips 11 of 12 scrypt runs of 16 MiB.
        pin_hash = hash_pin(DEMO_LEARNER_PIN)
        session.add_all(
            Learner(
                id=f"demo-learner-{number:02d}",
                class_id=school_class.id,
                display_name=name,
                pin_hash=pin_hash,
            )
            for number, name in enumerate(DEMO_LEARNERS, start=1)
        )
        # The demo class may open every micro-credential, including ones added later.
        session.add(AccessGrant(id="demo-grant-all", pack_id=ALL_PACKS, class_id=school_class.id))
        session.commit()
    return True
