"""A demo station's first run seals its code slots only after sign-in is painted, in batches."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from mcdesk.demo import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
from mcdesk.exam.issuer import open_issuer
from mcdesk.exam.unlock import read_slot
from mcdesk.paths import Paths
from mcdesk.protocol.slots import open_slot
from mcdesk.startup import FIRST_RUN_SLOTS, SLOTS_PER_BATCH
from mcdesk.store.connection import opened
from tests.ui.conftest import Launched


def _slots(home: Paths) -> int:
    with sqlite3.connect(home.database) as connection:
        return int(connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])


def test_slots_wait_for_the_sign_in_screen_then_come_a_few_at_a_time(
    start_app: Callable[..., Launched], bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    launched = start_app()
    window = launched.window
    at_sign_in: list[int] = []

    def on_page(_index: int) -> None:
        if window.pages.currentWidget() is window.signin_view and not at_sign_in:
            at_sign_in.append(_slots(home))

    window.pages.currentChanged.connect(on_page)
    qtbot.waitUntil(lambda: bool(at_sign_in), timeout=30_000)
    assert at_sign_in == [0]  # no scrypt competes with the screen a learner acts on

    qtbot.waitUntil(lambda: _slots(home) == FIRST_RUN_SLOTS, timeout=60_000)
    last = f"exam codes: {FIRST_RUN_SLOTS} ready"
    qtbot.waitUntil(lambda: last in launched.out.getvalue(), timeout=10_000)
    lines = [line for line in launched.out.getvalue().splitlines() if "exam codes" in line]
    assert lines[0].startswith(f"exam codes: {SLOTS_PER_BATCH} slots, 3 pack keys wrapped")
    assert lines[1:] == [
        f"exam codes: {count} ready"
        for count in range(2 * SLOTS_PER_BATCH, FIRST_RUN_SLOTS + 1, SLOTS_PER_BATCH)
    ]
    # The teacher's codes open every slot, the first batch's and the last's alike.
    with opened(home.database, read_only=True) as connection:
        issuer = open_issuer(connection, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
        assert issuer is not None
        keys = {
            open_slot(read_slot(connection, n), code=issuer.code(n), counter=n)
            for n in (1, FIRST_RUN_SLOTS)
        }
    assert len(keys) == 1
    assert None not in keys
