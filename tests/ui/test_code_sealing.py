"""A demo station's first run seals its code slots only after sign-in is painted, in batches."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.demo import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
from mcdesk.exam.issuer import open_issuer
from mcdesk.exam.unlock import read_slot
from mcdesk.paths import Paths
from mcdesk.protocol.slots import open_slot
from mcdesk.settings import load_settings
from mcdesk.startup import FIRST_RUN_SLOTS, SLOTS_PER_BATCH
from mcdesk.store.connection import opened
from mcdesk.ui.tasks import CodeSealing, SlotWriter
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


def test_the_demo_top_up_waits_while_other_slot_work_runs(
    start_app: Callable[..., Launched], bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    launched = start_app()
    window = launched.window
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=30_000)
    qtbot.waitUntil(lambda: _slots(home) == FIRST_RUN_SLOTS, timeout=60_000)
    last = f"exam codes: {FIRST_RUN_SLOTS} ready"
    qtbot.waitUntil(lambda: last in launched.out.getvalue(), timeout=10_000)  # the app is done
    with opened(home.database) as connection:  # codes #1-#4 were typed: one batch is owed
        connection.execute("UPDATE exam_key_slot SET used_at = '2026-01-01' WHERE counter <= 4")
    writer = SlotWriter()
    sealing = CodeSealing(home, load_settings(home.settings_file), first_run=False, writer=writer)
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def other_slot_work() -> None:  # a teacher's refill, say
        order.append("other begins")
        inside.set()
        release.wait(30)
        order.append("other ends")

    other = threading.Thread(target=lambda: writer.run(other_slot_work))
    other.start()
    assert inside.wait(30)
    top_up = threading.Thread(target=lambda: order.append(f"top-up: {sealing.next_batch()}"))
    top_up.start()
    top_up.join(timeout=1.0)  # a batch at test cost takes milliseconds, if not held back
    release.set()
    other.join(30)
    top_up.join(30)
    assert order == ["other begins", "other ends", f"top-up: exam codes: {FIRST_RUN_SLOTS} ready"]
    assert _slots(home) == FIRST_RUN_SLOTS + SLOTS_PER_BATCH


def test_a_teacher_signing_in_while_the_demo_seals_gets_codes_and_every_slot_opens(
    start_app: Callable[..., Launched], bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    launched = start_app()
    window = launched.window
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=30_000)
    view = window.signin_view  # at once: the first batches are still to be sealed
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, DEMO_TEACHER_PASSWORD)
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    page = window.teacher_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=30_000)
    qtbot.waitUntil(lambda: "Opening your codes" not in _texts(page), timeout=60_000)
    qtbot.waitUntil(lambda: _slots(home) >= FIRST_RUN_SLOTS, timeout=60_000)
    assert launched.err.getvalue() == ""  # no "exam codes not set up: …" from a collision
    with opened(home.database, read_only=True) as connection:
        counters = [row[0] for row in connection.execute("SELECT counter FROM exam_key_slot")]
        issuer = open_issuer(connection, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
        assert issuer is not None
        keys = {
            open_slot(read_slot(connection, n), code=issuer.code(n), counter=n) for n in counters
        }
    assert sorted(counters) == list(range(1, len(counters) + 1))
    assert len(keys) == 1
    assert None not in keys


def _texts(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))
