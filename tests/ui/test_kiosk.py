"""The career-day kiosk: a visitor's path, forgetting a visitor, and a teacher's code."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtGui import QCloseEvent, QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select

from mcdesk.cli.main import main
from mcdesk.exam.issuer import open_issuer
from mcdesk.paths import Paths
from mcdesk.protocol.streams import EventKind
from mcdesk.server.models import Event
from mcdesk.startup import FIRST_RUN_SLOTS
from mcdesk.ui.kiosk_app import KioskStation, launch_kiosk
from mcdesk.ui.kiosk_flow import KioskFlow
from mcdesk.ui.theme import apply_theme
from mcdesk.ui.touch import WrappingButton
from tests.server.conftest import RunningServer, server  # noqa: F401  (a fixture)

WAIT = 60_000
TOUCH_PX = 44
VISITOR_TEXT = "zebra-kiosk-7731-visitor"


def _code(home: Paths, counter: int) -> str:
    with sqlite3.connect(home.database) as connection:
        issuer = open_issuer(connection, teacher_id="demo-teacher", password="mcdesk-demo")
    assert issuer is not None
    return issuer.code(counter)


def _slots(home: Paths) -> int:
    if not home.database.exists():
        return 0
    with sqlite3.connect(home.database) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'exam_key_slot'"
        ).fetchone()[0]
        if not tables:
            return 0
        return int(connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])


@pytest.fixture
def kiosk(
    home: Paths, bundled: Path, pool: QThreadPool, qtbot: QtBot, themed: QApplication
) -> Iterator[tuple[KioskStation, list[int]]]:
    """A kiosk started as ``mcdesk --kiosk`` starts it, on a fresh standalone station."""
    codes: list[int] = []
    station = launch_kiosk(
        paths=home, pool=pool, finish=codes.append, out=io.StringIO(), err=io.StringIO()
    )
    qtbot.addWidget(station.shell)
    flow = station.flow
    qtbot.waitUntil(lambda: flow.screen.pages.currentWidget() is flow.screen.attract, timeout=WAIT)
    qtbot.waitUntil(lambda: _slots(home) > 0, timeout=WAIT)  # the demo's exam key, sealed
    yield station, codes
    _end(station, pool)


def _end(station: KioskStation, pool: QThreadPool) -> None:
    """End the kiosk as ``mcdesk --kiosk`` does, and let it go inside its own test.

    A kiosk left to the next test kept sealing codes there, and its window's deletion
    then waited on the GIL for the batch it had started: the next test hung.
    """
    station.close()
    assert pool.waitForDone(WAIT)  # the code batch already running, nothing after it
    QApplication.processEvents()  # its answer arrives and starts no other batch
    assert pool.activeThreadCount() == 0
    station.shell.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _answer(panel: QWidget, *, text: str) -> None:
    """Have a go, as a visitor would: the first choice, or ``text`` typed into a box."""
    choices = [b for b in panel.findChildren(QAbstractButton) if b.isCheckable() and b.isVisible()]
    if choices:
        choices[0].click()
        return
    for box in [b for b in panel.findChildren(QComboBox) if b.isVisible()]:
        box.setCurrentIndex(1)
    for field in [f for f in panel.findChildren(QLineEdit) if f.isVisible()]:
        field.setFocus()
        QtBot.keyClicks(field, text)


def _take_taste(qtbot: QtBot, flow: KioskFlow, *, text: str = "3") -> None:
    s = flow.screen
    qtbot.mouseClick(s.attract.start_button, Qt.MouseButton.LeftButton)
    assert s.pages.currentWidget() is s.explorer
    first = s.explorer.cluster_buttons[0]
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    tries = [b for b in s.explorer.findChildren(QPushButton) if b.text().startswith("Try ")]
    qtbot.mouseClick(tries[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.taste, timeout=WAIT)
    qtbot.mouseClick(s.taste.start_button, Qt.MouseButton.LeftButton)
    view = s.taste.selfcheck
    for _ in range(5):
        if s.pages.currentWidget() is s.closing:
            break
        _answer(view.answer_holder, text=text)
        view.check()
        if view.check_button.isVisible():  # not answerable that way (ordering, a number)
            view.current_input().set_response(view.run.current["answer"])
            view.check()
        view.advance()
    assert s.pages.currentWidget() is s.closing


def _kiosk_events(home: Paths) -> list[dict[str, object]]:
    with sqlite3.connect(home.database) as connection:
        rows = connection.execute(
            "SELECT body FROM outbox WHERE kind = ? ORDER BY seq", (EventKind.KIOSK_DAY,)
        ).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_visitor_explores_takes_a_taste_and_sees_a_score_and_the_school_program(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths
) -> None:
    flow = kiosk[0].flow
    _take_taste(qtbot, flow)
    closing = flow.screen.closing
    assert "right" in closing.score.text()
    assert "Ask about the" in closing.program.text()  # no program named in the settings yet
    with qtbot.waitSignal(flow.visit_recorded, timeout=WAIT):
        qtbot.mouseClick(flow.screen.done_button, Qt.MouseButton.LeftButton)
    assert flow.screen.pages.currentWidget() is flow.screen.attract
    (day,) = _kiosk_events(home)
    assert day["visits"] == 1
    assert day["clusters_viewed"] == 1
    assert day["tastes"] == 1
    assert 3 <= int(str(day["out_of"])) <= 5
    assert set(day) == {"kind", "day", "visits", "clusters_viewed", "tastes", "points", "out_of"}


def _texts(root: QWidget) -> list[str]:
    """Every string a widget under ``root`` holds: labels, fields (and their undo), buttons."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        for getter in ("text", "toolTip", "accessibleName", "accessibleDescription"):
            method = getattr(widget, getter, None)
            value = method() if callable(method) else None
            if isinstance(value, str):
                found.append(value)
        if isinstance(widget, QLineEdit):
            found.append(widget.displayText())
    return found


def test_idle_time_counts_down_then_forgets_everything_the_visitor_typed(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths
) -> None:
    station = kiosk[0]
    flow = station.flow
    flow._seeds = random.Random(4)
    s = flow.screen
    qtbot.mouseClick(s.attract.start_button, Qt.MouseButton.LeftButton)
    assert flow.idle.running
    # The visitor types into every text answer the taste asks for.
    _take_taste(qtbot, flow, text=VISITOR_TEXT)
    # Then walks away: the idle watch warns (a countdown) and expires (timers injected
    # by emitting what the watch would, so no test waits a minute of wall clock).
    flow.idle.warning.emit(10)
    assert s.countdown.isVisible()
    assert "in 10\u00a0s" in s.countdown.text.text()  # the number and its unit on one line
    with qtbot.waitSignal(flow.visit_recorded, timeout=WAIT):
        flow.idle.expired.emit()
    QApplication.processEvents()
    assert s.pages.currentWidget() is s.attract
    assert not s.countdown.isVisible()
    assert not flow.idle.running
    assert not any(VISITOR_TEXT in text for text in _texts(station.shell))
    assert not any(
        isinstance(w, QLabel) and "right" in w.text() for w in station.shell.findChildren(QLabel)
    )
    for path in Path(home.data_dir).parent.rglob("*"):
        if path.is_file():
            assert VISITOR_TEXT.encode() not in path.read_bytes(), path


def test_the_typed_text_is_found_before_a_reset_so_the_scan_can_see_it(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot
) -> None:
    flow = kiosk[0].flow
    s = flow.screen
    qtbot.mouseClick(s.attract.start_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.explorer.cluster_buttons[0], Qt.MouseButton.LeftButton)
    tries = [b for b in s.explorer.findChildren(QPushButton) if b.text().startswith("Try ")]
    qtbot.mouseClick(tries[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.taste, timeout=WAIT)
    s.taste.selfcheck.start(
        [
            {
                "id": "x",
                "type": "short_text",
                "prompt": "Say it",
                "answer": {"accepted": ["a"]},
                "feedback": "",
            }
        ]
    )
    (field,) = s.taste.selfcheck.answer_holder.findChildren(QLineEdit)
    qtbot.keyClicks(field, VISITOR_TEXT)
    assert any(VISITOR_TEXT in text for text in _texts(kiosk[0].shell))
    qtbot.mouseClick(s.done_button, Qt.MouseButton.LeftButton)
    assert not any(VISITOR_TEXT in text for text in _texts(kiosk[0].shell))


def _staff_code(qtbot: QtBot, station: KioskStation, code: str, action: str) -> None:
    flow, shell = station.flow, station.shell
    qtbot.mouseClick(flow.screen.attract.staff_button, Qt.MouseButton.LeftButton)
    prompt = shell.overlay.prompt
    assert shell.overlay.isVisible()
    qtbot.waitUntil(prompt.field.isEnabled, timeout=WAIT)
    prompt.choose(action)
    prompt.field.clear()
    qtbot.keyClicks(prompt.field, code)
    qtbot.keyClick(prompt.field, Qt.Key.Key_Return)


def test_leaving_the_kiosk_needs_a_teacher_code_and_closing_is_refused(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths
) -> None:
    station, exits = kiosk
    shell = station.shell
    event = QCloseEvent()
    shell.closeEvent(event)
    assert not event.isAccepted()
    _staff_code(qtbot, station, "1111 2222", "kiosk-leave")
    qtbot.waitUntil(lambda: "not code #1" in shell.overlay.prompt.message.text(), timeout=WAIT)
    assert exits == []
    assert shell.locked
    qtbot.mouseClick(shell.overlay.cancel_button, Qt.MouseButton.LeftButton)
    assert shell.overlay.isHidden()
    # A wrong code uses no slot: the station still asks for code #1.
    _staff_code(qtbot, station, _code(home, 1), "kiosk-leave")
    qtbot.waitUntil(lambda: exits == [0], timeout=WAIT)
    assert not shell.locked


def test_a_teacher_code_opens_the_settings_and_they_change_the_kiosk(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths
) -> None:
    station, exits = kiosk
    flow = station.flow
    _staff_code(qtbot, station, _code(home, 1), "kiosk-settings")
    s = flow.screen
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.settings, timeout=WAIT)
    page = s.settings
    page.school.setText("Lincoln Middle School")
    page.idle.setValue(90)
    cluster = flow.clusters[0]
    page.program_fields[cluster.name].setText("Construction Academy")
    keep = cluster.packs[0].id
    page.pack_boxes[keep].setChecked(True)
    with qtbot.waitSignal(flow.settings_applied, timeout=WAIT):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert s.pages.currentWidget() is s.attract
    assert s.attract.school.text() == "Lincoln Middle School"
    assert [p.id for c in flow.clusters for p in c.packs] == [keep]
    assert flow.settings.idle_seconds == 90
    saved = json.loads((home.config_dir / "kiosk.json").read_text())
    assert saved["programs"] == {cluster.name: "Construction Academy"}
    # The next visitor's closing screen names the school's program, with a QR code to it.
    page_url = "https://lincoln.example.org/cte"
    flow.settings = replace(flow.settings, program_url=page_url)
    _take_taste(qtbot, flow)
    assert s.closing.program.text() == (
        "Learn this at Lincoln Middle School in: Construction Academy"
    )
    (qr,) = [
        w for w in s.closing.findChildren(QLabel) if w.accessibleName() == f"QR code to {page_url}"
    ]
    assert not qr.pixmap().isNull()
    flow.forget_visitor()
    # The same station code is single use: the next staff door asks for code #2.
    _staff_code(qtbot, station, _code(home, 2), "kiosk-leave")
    qtbot.waitUntil(lambda: exits == [0], timeout=WAIT)
    assert not station.shell.locked


def test_closing_the_kiosk_stops_sealing_codes_and_its_window_goes_with_its_test(
    home: Paths, bundled: Path, pool: QThreadPool, qtbot: QtBot, themed: QApplication
) -> None:
    station = launch_kiosk(
        paths=home, pool=pool, finish=lambda _code: None, out=io.StringIO(), err=io.StringIO()
    )
    qtbot.addWidget(station.shell)
    gone: list[bool] = []
    station.shell.destroyed.connect(lambda: gone.append(True))
    qtbot.waitUntil(lambda: _slots(home) > 0, timeout=WAIT)  # the first batch, after the paint
    _end(station, pool)
    sealed = _slots(home)
    assert sealed < FIRST_RUN_SLOTS  # stopped part way: the rest waits for the next start
    qtbot.wait(200)  # answers still in flight arrive and start nothing
    assert pool.activeThreadCount() == 0
    assert _slots(home) == sealed
    assert gone == [True]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only for the kiosk's server: what is tested is the station's sending."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def _server_days(running: RunningServer) -> list[dict[str, object]]:
    with Session(running.engine) as session:
        rows = session.exec(select(Event.body).where(Event.kind == EventKind.KIOSK_DAY)).all()
    return [json.loads(body) for body in rows]


def test_a_kiosk_with_a_school_server_sends_the_days_totals_after_a_visit(
    home: Paths,
    bundled: Path,
    pool: QThreadPool,
    qtbot: QtBot,
    themed: QApplication,
    server: RunningServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = ["--db", server.engine.url.render_as_string(hide_password=False)]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    capsys.readouterr()
    assert (
        main(["admin", "enrol-token", "--school", "Northside", "--station-name", "Hall", *db]) == 0
    )
    token = capsys.readouterr().out.strip()
    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 0
    station = launch_kiosk(
        paths=home, pool=pool, finish=lambda _code: None, out=io.StringIO(), err=io.StringIO()
    )
    qtbot.addWidget(station.shell)
    try:
        flow = station.flow
        s = flow.screen
        qtbot.waitUntil(lambda: s.pages.currentWidget() is s.attract, timeout=WAIT)
        assert _server_days(server) == []
        _take_taste(qtbot, flow)
        with qtbot.waitSignal(flow.visit_recorded, timeout=WAIT):
            qtbot.mouseClick(s.done_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(_server_days(server)) == 1, timeout=WAIT)
        (day,) = _server_days(server)
        assert (day["visits"], day["tastes"]) == (1, 1)
    finally:
        _end(station, pool)


def _pressable(root: QWidget) -> list[QAbstractButton]:
    return [b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]


def test_every_target_a_visitor_touches_is_44_px_and_shows_all_its_words(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot
) -> None:
    station = kiosk[0]
    flow, shell = station.flow, station.shell
    s = flow.screen
    apply_theme(QApplication.instance(), text_scale=200)  # type: ignore[arg-type]
    seen: dict[str, int] = {}

    def check(screen: str) -> None:
        QApplication.processEvents()
        buttons = _pressable(shell)
        assert buttons, screen
        for button in buttons:
            assert min(button.width(), button.height()) >= TOUCH_PX, (screen, button.text())
            if isinstance(button, WrappingButton):  # every line of a long name fits
                assert button.height() >= button.heightForWidth(button.width()), button.words
        seen[screen] = len(buttons)

    check("attract")
    qtbot.mouseClick(s.attract.start_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(s.explorer.cluster_buttons[0], Qt.MouseButton.LeftButton)
    check("explorer")
    tries = [b for b in s.explorer.findChildren(QPushButton) if b.text().startswith("Try ")]
    qtbot.mouseClick(tries[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.taste, timeout=WAIT)
    check("taste")
    qtbot.mouseClick(s.taste.start_button, Qt.MouseButton.LeftButton)
    check("question")
    flow.idle.warning.emit(10)
    check("countdown")
    flow.forget_visitor()
    qtbot.mouseClick(s.attract.staff_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(shell.overlay.prompt.field.isEnabled, timeout=WAIT)
    check("staff door")
    assert set(seen) == {"attract", "explorer", "taste", "question", "countdown", "staff door"}


def test_three_visitors_one_after_another_with_idle_resets_between_them(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths
) -> None:
    flow = kiosk[0].flow
    s = flow.screen
    for visitor in (1, 2, 3):
        _take_taste(qtbot, flow)
        flow.idle.warning.emit(10)  # the countdown the idle watch shows, then its expiry
        assert s.countdown.isVisible()
        with qtbot.waitSignal(flow.visit_recorded, timeout=WAIT):
            flow.idle.expired.emit()
        assert s.pages.currentWidget() is s.attract
        assert not s.closing.score.text()  # the last visitor's score is gone
        assert _kiosk_events(home)[-1]["visits"] == visitor
    assert len({str(e["day"]) for e in _kiosk_events(home)}) == 1  # one day, one running total
    assert _kiosk_events(home)[-1]["tastes"] == 3


def test_a_visitor_with_only_a_keyboard_reaches_a_question_and_leaves_with_i_m_done(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot
) -> None:
    flow, shell = kiosk[0].flow, kiosk[0].shell
    s = flow.screen
    shell.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is s.attract.start_button, timeout=WAIT)

    def press(key: Qt.Key) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key)

    press(Qt.Key.Key_Return)
    assert s.pages.currentWidget() is s.explorer
    assert QApplication.focusWidget() is s.explorer.cluster_buttons[0]
    press(Qt.Key.Key_Space)
    assert s.explorer.heading.text() == s.explorer.cluster_buttons[0].words
    focus = QApplication.focusWidget()  # the cluster's first card, ready for Enter
    assert isinstance(focus, QPushButton)
    assert focus.text().startswith("Try ")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.taste, timeout=WAIT)
    assert QApplication.focusWidget() is s.taste.start_button
    press(Qt.Key.Key_Return)
    assert s.taste.selfcheck.isVisible()
    for _ in range(40):  # Tab on to "I'm done"
        if QApplication.focusWidget() is s.done_button:
            break
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is s.done_button
    press(Qt.Key.Key_Return)
    assert s.pages.currentWidget() is s.attract


def _save_logo(qtbot: QtBot, station: KioskStation, code: str, logo: Path) -> None:
    """A teacher's code opens the settings; they name ``logo`` as the school's logo and save."""
    s = station.flow.screen
    _staff_code(qtbot, station, code, "kiosk-settings")
    qtbot.waitUntil(lambda: s.pages.currentWidget() is s.settings, timeout=WAIT)
    s.settings.logo.setText(str(logo))
    with qtbot.waitSignal(station.flow.settings_applied, timeout=WAIT):
        qtbot.mouseClick(s.settings.save_button, Qt.MouseButton.LeftButton)
    assert s.pages.currentWidget() is s.attract


def test_the_schools_logo_shows_on_the_attract_screen_and_a_bad_file_shows_none(
    kiosk: tuple[KioskStation, list[int]], qtbot: QtBot, home: Paths, tmp_path: Path
) -> None:
    station, _ = kiosk
    attract = station.flow.screen.attract
    logo = tmp_path / "lincoln-logo.png"
    image = QImage(400, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4ed8"))
    assert image.save(str(logo))
    _save_logo(qtbot, station, _code(home, 1), logo)
    shown = attract.logo.pixmap()
    assert (shown.width(), shown.height()) == (640, 160)  # scaled to the logo's height, kept wide
    saved = json.loads((home.config_dir / "kiosk.json").read_text())
    assert saved["logo_path"] == str(logo)

    for counter, bad in enumerate(
        [
            tmp_path / "not-an-image.png",  # words in a .png
            tmp_path / "huge.png",  # over the 2 MB the kiosk reads
            tmp_path / "gone.png",  # named, then never there
        ],
        start=2,
    ):
        if bad.name == "not-an-image.png":
            bad.write_text("this is not a picture")
        elif bad.name == "huge.png":
            bad.write_bytes(logo.read_bytes() + b"\0" * 2_000_001)
        _save_logo(qtbot, station, _code(home, counter), bad)
        assert attract.logo.pixmap().isNull(), bad.name
        assert json.loads((home.config_dir / "kiosk.json").read_text())["logo_path"] == str(bad)
