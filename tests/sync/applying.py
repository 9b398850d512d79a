"""A migrated station store and a page applied the way a pull applies it (one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from mcdesk.passwords import hash_secret
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import upgrade
from mcdesk.sync.pull import Applier, Item
from tests.conftest import NOW

PIN_HASH = hash_secret("2468")  # one scrypt run for the whole module


@dataclass(frozen=True, slots=True)
class Store:
    database: Path

    def apply(self, applier: Applier, items: list[Item]) -> None:
        """Run ``applier`` on a page and commit, or roll back if it raises."""
        engine = make_engine(self.database)
        try:
            with Session(engine) as session:
                applier(session, items, NOW)
                session.commit()
        finally:
            engine.dispose()

    def rows(self, sql: str, *parameters: object) -> list[tuple[Any, ...]]:
        with opened(self.database, read_only=True) as connection:
            return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]

    def execute(self, sql: str, *parameters: object) -> None:
        with opened(self.database) as connection:
            connection.execute(sql, parameters)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: a refused page must leave this unchanged."""
        with opened(self.database, read_only=True) as connection:
            tables = [
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            return {
                table: sorted(
                    (tuple(row) for row in connection.execute(f"SELECT * FROM {table}")), key=repr
                )
                for table in tables
            }


def new_store(folder: Path) -> Store:
    database = folder / "station.sqlite3"
    upgrade(database)
    return Store(database)


def school(school_id: str = "s1", name: str = "Northside") -> Item:
    return (f"school:{school_id}", {"id": school_id, "name": name})


def teacher(teacher_id: str = "t1", *, school_id: str = "s1", username: str = "mlee") -> Item:
    return (
        f"teacher:{teacher_id}",
        {
            "id": teacher_id,
            "school_id": school_id,
            "username": username,
            "display_name": "Ms Lee",
            "password_hash": PIN_HASH,
        },
    )


def school_class(
    class_id: str = "c1", *, school_id: str = "s1", teacher_id: str | None = "t1"
) -> Item:
    return (
        f"class:{class_id}",
        {
            "id": class_id,
            "school_id": school_id,
            "name": f"Class {class_id}",
            "teacher_id": teacher_id,
        },
    )


def learner(learner_id: str = "l1", *, class_id: str = "c1") -> Item:
    return (
        f"learner:{learner_id}",
        {
            "id": learner_id,
            "class_id": class_id,
            "display_name": f"Learner {learner_id}",
            "pin_hash": PIN_HASH,
        },
    )


def roster() -> list[Item]:
    return [learner("l1"), learner("l2"), school_class(), teacher(), school()]  # any order
