"""A learner's day through the real app on a real store: sign in, study, check, come back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.paths import Paths
from mcdesk.study.prefs import ReadingPrefs
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.study_flow import StudyFlow
from tests.ui.conftest import Launched

StartApp = Callable[..., Launched]
WAIT = 30_000


def _started(start_app: StartApp, qtbot: QtBot) -> tuple[MainWindow, StudyFlow]:
    window = start_app().window
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=WAIT)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    # The flow is built once the study core is imported, after the sign-in paint.
    qtbot.waitUntil(lambda: window.study is not None, timeout=WAIT)
    assert isinstance(window.study, StudyFlow)
    return window, window.study


def _sign_in(qtbot: QtBot, window: MainWindow, name: str, pin: str) -> None:
    view = window.signin_view
    view.filter.clear()
    qtbot.keyClicks(view.filter, name)
    qtbot.waitUntil(lambda: name in view.chosen.text())
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)  # to the PIN
    assert view.pin.hasFocus()
    qtbot.keyClicks(view.pin, pin)
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)


def _signed_in(qtbot: QtBot, window: MainWindow, name: str = "Grace Kim") -> None:
    _sign_in(qtbot, window, name, "1234")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)


def _restart(window: MainWindow, start_app: StartApp, qtbot: QtBot) -> MainWindow:
    study = window.study
    assert isinstance(study, StudyFlow)
    study.sign_out()
    window.close()
    return _started(start_app, qtbot)[0]


def test_the_right_pin_opens_home_and_sign_out_returns(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window, study = _started(start_app, qtbot)
    _signed_in(qtbot, window)
    assert window.home_view.greeting.text() == "Hi, Grace"
    assert window.user_label.text() == "Grace Kim"
    assert window.sign_out_button.isVisible()
    assert study.learner_id is not None
    qtbot.mouseClick(window.sign_out_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.signin_view
    assert study.learner_id is None
    assert not window.sign_out_button.isVisible()


def test_wrong_pins_are_throttled_and_the_wait_survives_a_restart(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window, _ = _started(start_app, qtbot)
    view = window.signin_view
    for attempt in range(5):
        _sign_in(qtbot, window, "Ben Nguyen", "9999")
        qtbot.waitUntil(lambda: "not right" in view.message.text(), timeout=WAIT)
        if attempt < 4:
            qtbot.waitUntil(view.sign_in_button.isEnabled)
            view.message.clear()
    assert "Wait 30 s" in view.message.text()
    assert not view.sign_in_button.isEnabled()

    window = _restart(window, start_app, qtbot)
    view = window.signin_view
    _sign_in(qtbot, window, "Ben Nguyen", "1234")  # right, but the wait is kept
    qtbot.waitUntil(lambda: "Too many wrong tries" in view.message.text(), timeout=WAIT)
    assert window.pages.currentWidget() is view


def test_home_to_skill_to_self_check_and_progress_survives_a_restart(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, _ = _started(start_app, qtbot)
    _signed_in(qtbot, window)
    card = window.home_view.pack_cards["carpentry-basics"]
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.pack_page, timeout=WAIT)
    assert window.pack_page.title.text() == "Carpentry Basics"
    qtbot.keyClick(window.pack_page.skill_cards["measuring"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.skill_view, timeout=WAIT)
    skill = window.skill_view
    assert "Measuring" in skill.title.text()
    qtbot.mouseClick(skill.studied_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(skill.start_selfcheck_button, Qt.MouseButton.LeftButton)
    runner = skill.selfcheck
    with qtbot.waitSignal(skill.selfcheck_finished, timeout=WAIT):
        while not runner.run.finished:
            item = runner.run.current
            answer = item["answer"]
            runner.current_input().setFocus()
            _choose(runner.current_input(), item, answer)
            runner.check()
            runner.advance()
    qtbot.mouseClick(skill.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.pack_page, timeout=WAIT)
    qtbot.waitUntil(lambda: "Self-check mastered" in _state_text(window, "measuring"))

    window = _restart(window, start_app, qtbot)
    _signed_in(qtbot, window)
    home_view = window.home_view
    assert home_view.continue_card is not None  # continue where you left off
    lines = [label.text() for label in home_view.pack_cards["carpentry-basics"].skill_lines]
    assert any("Measuring" in line and "Self-check mastered" in line for line in lines)
    with sqlite3.connect(home.database) as connection:
        kinds = {row[0] for row in connection.execute("SELECT kind FROM outbox")}
    assert {"skill_opened", "skill_studied", "selfcheck_result"} <= kinds


def _state_text(window: MainWindow, skill_id: str) -> str:
    card = window.pack_page.skill_cards.get(skill_id)
    return card.state.text() if card is not None else ""


def _choose(widget: QWidget, item: dict[str, Any], answer: object) -> None:
    """Click the right choice (the test packs' self-checks are choice items)."""
    buttons = [b for b in widget.findChildren(QAbstractButton) if b.isCheckable()]
    values = [o["id"] for o in item.get("options", [])] or [True, False]
    buttons[values.index(answer)].click()


def test_reading_prefs_apply_at_once_and_are_kept_per_learner(
    start_app: StartApp, bundled: Path, qtbot: QtBot, themed: QApplication
) -> None:
    window, study = _started(start_app, qtbot)
    base = themed.font().pointSizeF()
    _signed_in(qtbot, window, "Grace Kim")
    dialog = study.open_prefs()
    dialog.sizes.button(150).click()
    dialog.contrast.setChecked(True)
    dialog.accept()
    assert themed.font().pointSizeF() == pytest.approx(base * 1.5)
    assert themed.property("mcdeskHighContrast") is True
    study.sign_out()
    assert themed.font().pointSizeF() == pytest.approx(base)  # the next person starts plain

    _signed_in(qtbot, window, "Eli Goldberg")
    assert study.prefs == ReadingPrefs()
    study.sign_out()
    window = _restart(window, start_app, qtbot)
    _signed_in(qtbot, window, "Grace Kim")
    study = window.study
    assert isinstance(study, StudyFlow)
    assert study.prefs == ReadingPrefs(text_scale=150, high_contrast=True)
    assert themed.font().pointSizeF() == pytest.approx(base * 1.5)
    study.sign_out()


def test_idle_learners_are_warned_then_signed_out(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window, study = _started(start_app, qtbot)
    _signed_in(qtbot, window)
    study.idle.stop()
    study.idle.deleteLater()
    from mcdesk.ui.idle import IdleWatch

    study.idle = IdleWatch(timeout_ms=600, warn_before_ms=300, parent=study)
    study.idle.warning.connect(window.show_idle_warning)
    study.idle.expired.connect(study.sign_out)
    study.idle.start()
    qtbot.waitUntil(lambda: window.idle_holder.isVisible(), timeout=5_000)
    assert "signed out in" in window.idle_text.text()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=5_000)
    assert study.learner_id is None
    assert not window.idle_holder.isVisible()


def test_time_on_a_skill_is_counted_while_active_and_saved(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, study = _started(start_app, qtbot)
    now = [1000.0]
    study._clock = lambda: now[0]  # a hand-driven monotonic clock
    _signed_in(qtbot, window)
    study.open_skill("carpentry-basics", "estimating")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.skill_view, timeout=WAIT)
    skill = study.open_skill_state
    assert skill is not None
    skill.meter.set_active(True)
    for _ in range(4):  # 40 s of reading with input every 10 s
        now[0] += 10
        skill.meter.note_input()
    now[0] += 300  # then five minutes away: only the first 60 s after input count
    skill.hook.flush()
    assert "1 min" in window.skill_view.state_line.text()
    study.sign_out()  # saves the rest
    with sqlite3.connect(home.database) as connection:
        seconds = connection.execute(
            "SELECT active_seconds FROM skill_progress WHERE skill_id = 'estimating'"
        ).fetchone()
    assert seconds is not None
    qtbot.waitUntil(lambda: _saved_seconds(home) == 100, timeout=WAIT)


def _saved_seconds(home: Paths, skill_id: str = "estimating") -> int:
    with sqlite3.connect(home.database) as connection:
        row = connection.execute(
            "SELECT active_seconds FROM skill_progress WHERE skill_id = ?", (skill_id,)
        ).fetchone()
    return int(row[0]) if row else -1


def test_a_teacher_signs_in_and_sees_the_roster(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window, _ = _started(start_app, qtbot)
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.teacher_page, timeout=WAIT)
    assert window.user_label.text() == "Ms. Rivera (demo)"
    assert not window.home_button.isVisible()


def test_the_teacher_page_shows_the_codes_the_station_will_ask_for(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, _ = _started(start_app, qtbot)

    def slots() -> int:
        with sqlite3.connect(home.database) as connection:
            return int(connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])

    qtbot.waitUntil(lambda: slots() > 0, timeout=60_000)  # first-run sealing, after the paint
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    page = window.teacher_page
    qtbot.waitUntil(lambda: len(page.code_labels) == 10, timeout=WAIT)
    assert page.code_labels[0].text().startswith("#1 ")
    from mcdesk.exam.issuer import open_issuer
    from mcdesk.protocol.codes import code_for

    with sqlite3.connect(home.database) as connection:
        issuer = open_issuer(connection, teacher_id="demo-teacher", password="mcdesk-demo")
    assert issuer is not None
    code = code_for(issuer.secret, station_id=issuer.station_id, counter=1)
    assert page.code_labels[0].text().replace(" ", "").endswith(code)


def test_closing_the_window_saves_the_time_counted_so_far(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, study = _started(start_app, qtbot)
    now = [50.0]
    study._clock = lambda: now[0]
    _signed_in(qtbot, window)
    study.open_skill("carpentry-basics", "measuring")
    qtbot.waitUntil(lambda: study.open_skill_state is not None, timeout=WAIT)
    skill = study.open_skill_state
    assert skill is not None
    skill.meter.set_active(True)
    now[0] += 12
    skill.meter.note_input()
    window.close()  # a crash loses at most the 15 s between flushes; a close loses nothing
    qtbot.waitUntil(lambda: _saved_seconds(home, "measuring") == 12, timeout=WAIT)
