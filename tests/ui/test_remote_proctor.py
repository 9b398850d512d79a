"""Proctor commands applied by the real app: pause, unlock, add time and end, each through
the same desk call a typed code makes, with the screen following as it does for a code."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytestqt.qtbot import QtBot

from mcdesk.exam.remote import Ack
from mcdesk.keys import public_key_b64
from mcdesk.paths import Paths
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.commands import ProctorCommand, command_document, open_command
from mcdesk.protocol.files import signed_document
from mcdesk.protocol.live import COMMAND_KIND
from mcdesk.sync.live_report import live_report
from mcdesk.sync.status import SERVER_PUBLIC_KEY
from mcdesk.ui.exam_flow import ExamFlow
from mcdesk.ui.live_wiring import current_activity
from mcdesk.ui.study_flow import StudyFlow
from tests.ui.test_exam_flow import (  # noqa: F401  (_no_lock_outlives_a_test: a fixture)
    WAIT,
    StartApp,
    _code,
    _count,
    _no_lock_outlives_a_test,
    _sign_in_and_get_ready,
    _started,
    _type_code,
)

SERVER = Ed25519PrivateKey.generate()  # the server key this station pinned


def _pin(home: Paths) -> str:
    with sqlite3.connect(home.database) as connection:
        connection.execute(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
            (SERVER_PUBLIC_KEY, public_key_b64(SERVER.public_key())),
        )
        (station_id,) = connection.execute("SELECT id FROM station").fetchone()
    return str(station_id)


def _command(home: Paths, station_id: str, attempt_id: str, action: str, counter: int,
             minutes: int = 0) -> ProctorCommand:  # fmt: skip
    now = datetime.now(UTC)
    document = command_document(
        command_id=str(uuid.uuid4()), station_id=station_id, attempt_id=attempt_id,
        action=action, minutes=minutes, counter=counter, code=_code(home, counter),
        issued_at=now, expires_at=now + timedelta(minutes=2),
    )  # fmt: skip
    envelope = signed_document(COMMAND_KIND, canonical_json(document), SERVER)
    return open_command(envelope, key=SERVER.public_key(), station_id=station_id, now=now)


def _apply(qtbot: QtBot, exam: ExamFlow, command: ProctorCommand) -> Ack:
    acks: list[Ack] = []
    exam.apply_remote(command, acks.append)
    qtbot.waitUntil(lambda: bool(acks), timeout=WAIT)
    return acks[0]


def test_remote_pause_unlock_extend_and_end_drive_the_locked_window(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _started(start_app, qtbot, home)
    station_id = _pin(home)
    _sign_in_and_get_ready(qtbot, window)
    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    attempt_id = exam.attempt_id
    assert attempt_id is not None
    assert isinstance(window.study, StudyFlow)
    activity = current_activity(window.study, exam)
    assert (activity.doing, activity.attempt_id, activity.waiting) == (
        "assessment", attempt_id, None,
    )  # fmt: skip

    ack = _apply(qtbot, exam, _command(home, station_id, attempt_id, "pause", 2))
    assert ack.ok, ack.message
    assert exam.lockdown is not None
    qtbot.waitUntil(exam.lockdown.overlay.isVisible, timeout=WAIT)
    assert exam.waiting_for() == "resume"  # the board shows "waiting for code #3"
    report = live_report(home.database, current_activity(window.study, exam), acks=[])
    assert report["attempt"]["waiting"] == {"action": "resume", "counter": 3}

    ack = _apply(qtbot, exam, _command(home, station_id, attempt_id, "unlock", 3))
    assert ack.ok, ack.message
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.overlay.isHidden(),
                    timeout=WAIT)  # fmt: skip
    assert exam.waiting_for() is None

    ack = _apply(qtbot, exam, _command(home, station_id, attempt_id, "extend", 4, minutes=9))
    assert ack.ok, ack.message
    assert _count(home, "SELECT extra_s FROM attempt") == 9 * 60

    ack = _apply(qtbot, exam, _command(home, station_id, attempt_id, "end", 5))
    assert ack.ok, ack.message
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    assert exam.lockdown is None
    assert _count(home, "SELECT count(*) FROM exam_event WHERE kind = 'proctor_command'") == 4
    assert _count(home, "SELECT count(*) FROM exam_result") == 1
