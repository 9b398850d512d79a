"""A year's record on one station, built through the real exam engine: many learners,
two micro-credentials, attempts started at the same second (keyset ties)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.engine import ExamEngine
from mcdesk.paths import resolve_paths
from mcdesk.store.bootstrap import open_store
from tests.exam.bank import PACK, VERSION, blueprint, make_bank
from tests.exam.conftest import ROSTER

OTHER_PACK = "welding-safety"
# A few names whose case folds beyond ASCII, for the learner filter.
NAMES = ("Zoë Ångström", "ÉMILE DUBOIS", "Straße Lena")


def learner_names(count: int) -> list[str]:
    return [*NAMES, *(f"Learner {n:02d}" for n in range(len(NAMES) + 1, count + 1))]


def add_learners(database: Path, names: list[str], *, class_id: str = "c1") -> list[str]:
    """Learners in ``class_id`` with these names; their ids, in the same order."""
    ids = [f"{class_id}-learner-{n:02d}" for n in range(1, len(names) + 1)]
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO learner (id, class_id, display_name, pin_hash) VALUES (?, ?, ?, 'x')",
            [(i, class_id, name) for i, name in zip(ids, names, strict=True)],
        )
    connection.close()
    return ids


def sit_many(
    database: Path,
    *,
    key: Ed25519PrivateKey,
    learner_ids: list[str],
    count: int,
    start: datetime,
    same_second: int = 3,
) -> None:
    """``count`` attempts taken in turn by the learners, through one engine: every
    ``same_second`` of them start in the same minute; every third round of turns is on the
    other micro-credential, every seventh has an incident; all but the newest two are
    submitted."""
    bank, plan = make_bank(per_skill=2), blueprint()
    clock = [1000.0]
    now = [start]
    engine = ExamEngine(
        database=database, station_key=key, monotonic=lambda: clock[0], wall=lambda: now[0]
    )
    try:
        for n in range(count):
            now[0] = start + timedelta(minutes=n // same_second)
            round_, turn = divmod(n, len(learner_ids))
            learner = learner_ids[turn]
            attempt_id = engine.create_attempt(
                learner_id=learner, pack_id=OTHER_PACK if round_ % 3 == 2 else PACK,
                pack_version=VERSION, blueprint=plan, bank=bank,
            )  # fmt: skip
            if n >= count - 2:
                continue  # the newest two wait for their start code
            engine.unlock(attempt_id, action="start", counter=n + 1)
            engine.start()
            clock[0] += 20  # under 30 s between reads: a jump past it is a suspend
            if n % 7 == 0:
                engine.incident(kind="focus_lost", detail="the assessment window lost the focus")
            engine.submit()
    finally:
        engine.close()


def record_store(root: Path, *, key: Ed25519PrivateKey, count: int, start: datetime) -> Path:
    """A new store (in ``root``) whose teacher ``teach`` has 30 learners and ``count``
    attempts; the database's path."""
    paths = resolve_paths({"MCDESK_HOME": str(root)})
    open_store(paths, now=start)
    with sqlite3.connect(paths.database) as connection:
        for statement in ROSTER:
            connection.execute(statement)
    connection.close()
    learners = add_learners(paths.database, learner_names(30))
    sit_many(paths.database, key=key, learner_ids=learners, count=count, start=start)
    return paths.database
