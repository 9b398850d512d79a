"""A standalone station's teacher page lists this station's own attempts, newest first, and
an attempt's incidents on selection: real attempts made through the exam engine on the app's
real store, read on the study queue, in the accessible tree, and fitting at 200% text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.exam.engine import ExamEngine
from mcdesk.keys import read_private_key
from mcdesk.paths import Paths
from mcdesk.ui.attempt_cards import AttemptCard
from mcdesk.ui.main_window import MainWindow
from tests.exam.bank import blueprint, make_bank, right, wrong
from tests.ui.a11y import Role, accessible_tree
from tests.ui.conftest import Launched
from tests.ui.fit import assert_fits, large_text
from tests.ui.test_pack_page import shown_texts

StartApp = Callable[..., Launched]
WAIT = 30_000
BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}
GRACE, BEN = "demo-learner-07", "demo-learner-02"
STARTED = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def sit(home: Paths, *, learner_id: str, minutes_later: int, good: bool, incident: bool) -> str:
    """One attempt through the real engine on the app's store; submitted; its id."""
    clock = [1000.0]
    engine = ExamEngine(
        database=home.database,
        station_key=read_private_key(home.station_key),
        monotonic=lambda: clock[0],
        wall=lambda: STARTED + timedelta(minutes=minutes_later),
    )
    attempt_id = engine.create_attempt(
        learner_id=learner_id, pack_id="carpentry-basics", pack_version="1.0.0",
        blueprint=blueprint(), bank=BANK,
    )  # fmt: skip
    engine.unlock(attempt_id, action="start", counter=1)  # the unlock desk checked the code
    engine.start()
    for item in engine.form["items"]:
        clock[0] += 15
        engine.answer(item_id=item["id"], response=(right if good else wrong)(BY_ID[item["id"]]))
    if incident:
        engine.incident(kind="focus_lost", detail="the assessment window lost the focus")
        engine.incident(kind="close_attempt", detail="main window")
    engine.submit()
    engine.close()
    return attempt_id


def teacher_signed_in(
    start_app: StartApp, qtbot: QtBot, home: Paths, *, small: QApplication | None = None
) -> MainWindow:
    """The teacher signed in on a station with two attempts; with ``small``, on a
    1024×600 screen at 200% text from before the sign-in, as a station set up that way."""
    window = start_app().window
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: window.study is not None, timeout=WAIT)
    if small is not None:
        window.showNormal()
        window.resize(1024, 600)
        large_text(small, scale=200)
    sit(home, learner_id=GRACE, minutes_later=0, good=True, incident=False)
    sit(home, learner_id=BEN, minutes_later=20, good=False, incident=True)
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.teacher_page, timeout=WAIT)
    page = window.teacher_page
    qtbot.waitUntil(lambda: len(page.attempt_cards) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: page.attempt_cards[0].isVisibleTo(page), timeout=WAIT)  # laid out
    return window


def test_the_teacher_page_lists_this_stations_attempts_and_incidents_on_selection(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window = teacher_signed_in(start_app, qtbot, home)
    page = window.teacher_page
    texts = shown_texts(page)
    ben, grace = "Ben Nguyen — Carpentry Basics", "Grace Kim — Carpentry Basics"
    assert texts.index(ben) < texts.index(grace)  # newest first
    assert texts.index("Assessments on this station") < texts.index(ben)
    local = STARTED.astimezone().strftime("%Y-%m-%d %H:%M")
    assert f"Started {local} · Submitted · 6 of 6 (100%) · Pass" in texts
    assert "No incidents" in texts
    (card,) = page.attempt_cards
    assert card.count.text() == "2 incidents · select to list them"
    assert not any(label.isVisibleTo(page) for label in card.incident_labels)
    assert card.accessibleName().startswith("Ben Nguyen, Carpentry Basics: Started ")
    assert card.accessibleName().endswith("Submitted · 0 of 6 (0%) · Not yet. 2 incidents.")

    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Space)  # selected by the keyboard alone
    shown = [label.text() for label in card.incident_labels if label.isVisibleTo(page)]
    assert len(shown) == 2
    assert shown[0].endswith("left the window (the assessment window lost the focus)")
    assert shown[1].endswith("tried to close (main window)")
    assert card.count.text() == "2 incidents · select to hide them"
    (node,) = [n for n in accessible_tree(page) if n.name == card.accessibleName()]
    assert node.role in (Role.PushButton, Role.CheckBox)  # a control a screen reader can press
    assert "left the window" in node.description

    # The codes arrive after the record; the selection stays as it was.
    qtbot.waitUntil(lambda: len(page.code_labels) == 10, timeout=60_000)
    (again,) = page.attempt_cards
    assert again.isChecked()


def test_the_teacher_page_fits_at_1024_by_600_with_200_percent_text(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot, themed: QApplication
) -> None:
    window = teacher_signed_in(start_app, qtbot, home, small=themed)
    qtbot.waitUntil(lambda: len(window.teacher_page.code_labels) == 10, timeout=60_000)
    (card,) = window.teacher_page.attempt_cards
    card.setChecked(True)
    assert_fits(qtbot, window, screen="teacher page with its record")
    assert isinstance(card, AttemptCard)
