"""The demo school, teacher and class seeded on first run, so the app works out of the box.

Every name and secret here is a demonstration value and is printed for anyone to use.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from sqlalchemy import Engine

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
    "seed_demo_class",
]


DEMO_SCHOOL_ID = "demo-school"
DEMO_CLASS_ID = "demo-class"


def is_seeded(engine: Engine) -> bool:
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)  # the station store is SQLite
        return raw.execute("SELECT 1 FROM school").fetchone() is not None


def seed_demo(engine: Engine) -> bool:
    """``seed_demo_class`` in one transaction of ``engine``; True if the class was added."""
    with engine.begin() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        return seed_demo_class(raw)


def seed_demo_class(connection: sqlite3.Connection) -> bool:
    """Add the demo school, teacher, class, learners and grant unless a school exists.

    Raw sqlite3 in the caller's transaction: a first run paints sign-in with this roster
    before SQLAlchemy is imported. True if the class was added.
    """
    if connection.execute("SELECT 1 FROM school").fetchone() is not None:
        return False
    connection.execute("INSERT INTO school (id, name) VALUES (?, ?)", (DEMO_SCHOOL_ID, DEMO_SCHOOL))
    connection.execute(
        "INSERT INTO teacher (id, school_id, username, display_name, password_hash)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            DEMO_TEACHER_ID,
            DEMO_SCHOOL_ID,
            DEMO_TEACHER_USERNAME,
            DEMO_TEACHER_NAME,
            hash_secret(DEMO_TEACHER_PASSWORD),
        ),
    )
    connection.execute(
        "INSERT INTO school_class (id, school_id, teacher_id, name) VALUES (?, ?, ?, ?)",
        (DEMO_CLASS_ID, DEMO_SCHOOL_ID, DEMO_TEACHER_ID, DEMO_CLASS),
    )
    # One hash for every demo learner, at a roster PIN's cost: the PIN is the same
    # for all and printed in the login hints, so a salt of their own hides nothing,
    # and a first run skips 11 of 12 scrypt runs of 16 MiB.
    pin_hash = hash_pin(DEMO_LEARNER_PIN)
    connection.executemany(
        "INSERT INTO learner (id, class_id, display_name, pin_hash) VALUES (?, ?, ?, ?)",
        [
            (f"demo-learner-{number:02d}", DEMO_CLASS_ID, name, pin_hash)
            for number, name in enumerate(DEMO_LEARNERS, start=1)
        ],
    )
    # The demo class may open every micro-credential, including ones added later.
    connection.execute(
        "INSERT INTO access_grant (id, pack_id, class_id) VALUES (?, ?, ?)",
        ("demo-grant-all", ALL_PACKS, DEMO_CLASS_ID),
    )
    return True
