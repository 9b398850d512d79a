"""The live worker against a real server: reports leave on its own thread, commands come back
to the GUI thread, acknowledgements go out with the next report, and the teacher page shows
the board's address and QR code."""

from __future__ import annotations

from dataclasses import replace

import shiboken6
from pytestqt.qtbot import QtBot
from sqlmodel import Session

from mcdesk.exam.console import TeacherCodes
from mcdesk.exam.remote import apply_command
from mcdesk.protocol.board_link import board_address, qr_png
from mcdesk.server.live.models import LiveState, ProctorCommand
from mcdesk.sync.live_link import Exchange
from mcdesk.ui.live_worker import LiveWorker
from mcdesk.ui.teacher_page import TeacherPage
from tests.server.web.conftest import trc  # noqa: F401  (a fixture)
from tests.server.web.http import WebClient
from tests.server.web.livelab import (  # noqa: F401  (lab_kit, station: fixtures)
    LiveStation,
    lab_kit_fixture,
    sit_down,
    station_fixture,
)

WAIT = 30_000


def test_reports_go_out_commands_come_in_and_acks_follow(
    qtbot: QtBot, station: LiveStation
) -> None:
    sit_down(station)
    attempt_id = station.crash()
    station.activity = replace(station.activity, attempt_id=attempt_id, waiting="resume")
    worker = LiveWorker(
        database=station.database,
        station_key_path=station.lab.home.station_key,
        activity=lambda: station.activity,
        busy_every_s=0.2,
    )
    arrived: list[Exchange] = []
    worker.commands_arrived.connect(arrived.append)
    worker.start(station.trc.base_url)
    engine = station.trc.server.engine

    def reported() -> bool:
        with Session(engine) as session:
            live = session.get(LiveState, station.station_id)
            return live is not None and '"waiting":{"action":"resume","counter":2}' in live.document

    qtbot.waitUntil(reported, timeout=WAIT)
    client = WebClient(station.trc.base_url)
    assert client.sign_in().status_code == 303
    fields = {"station_id": station.station_id, "attempt_id": attempt_id, "action": "unlock"}
    assert client.post("/teacher/board/command", fields, token=client.token()).status_code == 303
    qtbot.waitUntil(lambda: bool(arrived), timeout=WAIT)
    (command,) = arrived[0].commands
    worker.acknowledge(apply_command(station.desk, command, waiting="resume"))

    def acked() -> bool:
        with Session(engine) as session:
            row = session.get(ProctorCommand, command.command_id)
            return row is not None and row.outcome == "done"

    qtbot.waitUntil(acked, timeout=WAIT)
    assert worker.last_error is None
    worker.stop()
    assert worker.wait(WAIT)
    # Deleted here, on the GUI thread (as tests/ui/test_sync_worker.py explains).
    shiboken6.delete(worker)


def test_a_joined_station_shows_the_board_address_and_its_qr_code(qtbot: QtBot) -> None:
    page = TeacherPage()
    qtbot.addWidget(page)
    url = board_address("http://192.168.1.20:8000/")
    assert url == "http://192.168.1.20:8000/teacher/board"
    codes = TeacherCodes(
        "Lab 9", [], 38, 0, "Codes come from the school server.", from_server=True,
        board_url=url, board_qr=qr_png(url),
    )  # fmt: skip
    page.show_teacher(name="Ms Lee", roster=[], codes=codes)
    assert page.board_qr is not None
    pixmap = page.board_qr.pixmap()
    assert pixmap.width() >= 100
    assert pixmap.width() == pixmap.height()
    assert url in page.board_qr.accessibleName()
    shown = [label.text() for label in page.findChildren(type(page.board_qr))]
    assert url in shown
    standalone = replace(codes, from_server=False, board_url=None, board_qr=b"")
    page.show_teacher(name="Ms Lee", roster=[], codes=standalone)
    assert page.board_qr is None
