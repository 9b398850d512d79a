"""An assessment through the real app: Ready, a teacher's code, locked answers, a crash,
a resume code, submit and the result — real store, real scrypt slots, real widgets."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mcdesk.exam.issuer import open_issuer
from mcdesk.paths import Paths
from mcdesk.ui.app import launch
from mcdesk.ui.exam_flow import ExamFlow
from mcdesk.ui.lockdown import LockdownWindow
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.study_flow import StudyFlow
from tests.ui.conftest import Launched

StartApp = Callable[..., Launched]
WAIT = 60_000


def _code(home: Paths, counter: int) -> str:
    with sqlite3.connect(home.database) as connection:
        issuer = open_issuer(connection, teacher_id="demo-teacher", password="mcdesk-demo")
    assert issuer is not None
    return issuer.code(counter)


def _count(home: Paths, sql: str) -> int:
    with sqlite3.connect(home.database) as connection:
        return int(connection.execute(sql).fetchone()[0])


_FLOWS: list[ExamFlow] = []


@pytest.fixture(autouse=True)
def _no_lock_outlives_a_test() -> Iterator[None]:
    """A locked window filters keys and the clipboard app-wide: release it after each test."""
    yield
    while _FLOWS:
        _FLOWS.pop()._close_locked()


def _started(start_app: StartApp, qtbot: QtBot, home: Paths) -> tuple[MainWindow, ExamFlow]:
    window = start_app().window
    qtbot.waitUntil(
        lambda: window.pages.currentWidget() in (window.signin_view, window.ready_view),
        timeout=WAIT,
    )
    qtbot.waitUntil(
        lambda: _count(home, "SELECT count(*) FROM exam_key_slot") > 0, timeout=WAIT
    )  # first-run sealing of the exam key, after the paint
    # The flows are built once the study core is imported, after the sign-in paint.
    qtbot.waitUntil(lambda: window.exam is not None, timeout=WAIT)
    assert isinstance(window.exam, ExamFlow)
    _FLOWS.append(window.exam)
    return window, window.exam


def _sign_in_and_get_ready(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    assert isinstance(study, StudyFlow)
    view = window.signin_view
    qtbot.keyClicks(view.filter, "Grace")
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, "1234")
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
    study.open_pack("carpentry-basics")
    qtbot.waitUntil(lambda: window.pack_page.ready_button is not None, timeout=WAIT)
    assert window.pack_page.ready_button is not None
    qtbot.mouseClick(window.pack_page.ready_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ready_view, timeout=WAIT)


def _type_code(qtbot: QtBot, exam: ExamFlow, code: str) -> None:
    field = exam.prompt.field
    field.clear()
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def _answer_current(exam: ExamFlow) -> None:
    """Have a go at the question on screen, as a learner would: first choice, or a number."""
    assert exam.view is not None
    panel: QWidget = exam.view.question
    choices = [b for b in panel.findChildren(QAbstractButton) if b.isCheckable() and b.isVisible()]
    if choices:
        choices[0].click()
        return
    boxes = [b for b in panel.findChildren(QComboBox) if b.isVisible()]
    for box in boxes:
        box.setCurrentIndex(1)
    fields = [f for f in panel.findChildren(QLineEdit) if f.isVisible()]
    for field in fields:
        field.setText("36")
    keep = [b for b in panel.findChildren(QPushButton) if "order" in b.text() and b.isVisible()]
    if not (boxes or fields) and keep:
        keep[0].click()  # an ordering item: the order as shown is the answer
    exam.view.flush_pending()


def test_a_code_starts_a_locked_attempt_and_submit_shows_the_result(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _started(start_app, qtbot, home)
    _sign_in_and_get_ready(qtbot, window)
    assert "#1" in exam.prompt.counter_label.text()
    _type_code(qtbot, exam, "12345678")
    qtbot.waitUntil(lambda: "⚠" in exam.prompt.message.text(), timeout=WAIT)
    assert exam.lockdown is None

    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    _answer_current(exam)
    qtbot.waitUntil(lambda: _count(home, "SELECT count(*) FROM attempt_answer") == 1, timeout=WAIT)
    assert exam.view is not None
    qtbot.waitUntil(lambda: exam.view is not None and not exam.view.unsaved(), timeout=WAIT)

    exam.view.submit_requested.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    assert exam.lockdown is None
    assert _count(home, "SELECT count(*) FROM exam_result") == 1
    assert _count(home, "SELECT count(*) FROM outbox WHERE kind = 'exam_result'") == 1


def test_after_a_crash_the_next_start_asks_for_a_resume_code_and_keeps_the_answer(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _started(start_app, qtbot, home)
    _sign_in_and_get_ready(qtbot, window)
    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    _answer_current(exam)
    qtbot.waitUntil(lambda: _count(home, "SELECT count(*) FROM attempt_answer") == 1, timeout=WAIT)
    # The station dies mid-attempt: nothing is submitted or released.
    exam._timer.stop()
    exam.lockdown.release()  # type: ignore[union-attr]
    exam.lockdown.close()  # type: ignore[union-attr]
    window.close()

    window, exam = _started(start_app, qtbot, home)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ready_view, timeout=WAIT)
    assert "#2" in exam.prompt.counter_label.text()
    _type_code(qtbot, exam, _code(home, 2))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    assert exam.view is not None
    assert not exam.view.unsaved()
    with sqlite3.connect(home.database) as connection:
        state = connection.execute("SELECT state FROM attempt").fetchone()[0]
    assert state == "running"
    exam.view.submit_requested.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)


def _overlay_code(qtbot: QtBot, exam: ExamFlow, code: str, action: str | None = None) -> None:
    assert exam.lockdown is not None
    prompt = exam.lockdown.overlay.prompt
    qtbot.waitUntil(lambda: prompt.field.isEnabled(), timeout=WAIT)
    if action is not None:
        prompt.choose(action)
    prompt.field.clear()
    qtbot.keyClicks(prompt.field, code)
    qtbot.keyClick(prompt.field, Qt.Key.Key_Return)


def test_a_teacher_adds_time_then_pauses_and_resumes_with_codes(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _started(start_app, qtbot, home)
    _sign_in_and_get_ready(qtbot, window)
    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    assert exam.view is not None
    exam.view.teacher_requested.emit()
    assert exam.lockdown is not None
    overlay = exam.lockdown.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=WAIT)
    _overlay_code(qtbot, exam, _code(home, 2), "extend")
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=WAIT)

    def limit() -> float:
        with sqlite3.connect(home.database) as connection:
            return float(connection.execute("SELECT extra_s FROM attempt").fetchone()[0])

    assert limit() == 5 * 60  # the prompt's default: five more minutes

    exam.view.teacher_requested.emit()
    qtbot.waitUntil(overlay.isVisible, timeout=WAIT)
    _overlay_code(qtbot, exam, _code(home, 3), "pause")
    qtbot.waitUntil(
        lambda: _count(home, "SELECT count(*) FROM attempt WHERE state = 'paused'") == 1
    )
    assert overlay.isVisible()
    # Paused: the clock stopped. The words change on the GUI thread a moment after the
    # store says so.
    qtbot.waitUntil(lambda: "keeps running" not in overlay.reason.text(), timeout=WAIT)
    _overlay_code(qtbot, exam, _code(home, 4))  # the only action now: resume
    qtbot.waitUntil(
        lambda: _count(home, "SELECT count(*) FROM attempt WHERE state = 'running'") == 1
    )
    qtbot.waitUntil(lambda: not overlay.isVisible(), timeout=WAIT)
    with sqlite3.connect(home.database) as connection:
        actions = [r[0] for r in connection.execute("SELECT action FROM code_entry WHERE ok = 1")]
    assert actions == ["start", "extend:+5", "pause", "resume"]


def _locked(start_app: StartApp, qtbot: QtBot, home: Paths) -> tuple[MainWindow, ExamFlow]:
    window, exam = _started(start_app, qtbot, home)
    _sign_in_and_get_ready(qtbot, window)
    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    return window, exam


def test_the_main_window_can_neither_close_nor_come_forward_while_an_attempt_is_locked(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _locked(start_app, qtbot, home)
    assert not window.isVisible()  # nothing for Alt+Tab to bring up behind the lock
    assert not window.close()  # Alt+F4 on it, as the window manager would send it
    assert exam.lockdown is not None
    assert exam.lockdown.locked
    qtbot.waitUntil(
        lambda: (
            _count(
                home,
                "SELECT count(*) FROM outbox WHERE kind = 'exam_incident' "
                "AND CAST(body AS TEXT) LIKE '%close_attempt%'",
            )
            == 1
        ),
        timeout=WAIT,
    )
    window.show()  # something maps it anyway: it goes straight back behind the lock
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    assert exam.view is not None
    exam.view.submit_requested.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    assert window.isVisible()  # the result is shown where the learner can read it


def test_a_code_check_that_fails_ends_in_words_on_the_overlay_that_asked(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _locked(start_app, qtbot, home)
    assert exam.view is not None
    assert exam.lockdown is not None
    exam.view.teacher_requested.emit()
    overlay = exam.lockdown.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=WAIT)
    exam.close()  # the store goes away under the attempt (what Alt+F4 used to do)
    _overlay_code(qtbot, exam, _code(home, 2), "extend")
    prompt = overlay.prompt
    qtbot.waitUntil(lambda: "could not be checked" in prompt.message.text(), timeout=WAIT)
    assert "Checking" not in prompt.message.text()
    assert prompt.field.isEnabled()  # the teacher can try again
    assert window.ready_view.isHidden() or "Checking" not in exam.prompt.message.text()


def test_after_a_crash_and_resume_the_result_page_keeps_the_learner(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _locked(start_app, qtbot, home)
    _answer_current(exam)  # one answer of several: not a pass, so there is a skill to review
    qtbot.waitUntil(lambda: _count(home, "SELECT count(*) FROM attempt_answer") == 1, timeout=WAIT)
    exam._timer.stop()  # the station dies mid-attempt
    assert exam.lockdown is not None
    exam.lockdown.release()
    exam.lockdown.close()
    window.close()

    window, exam = _started(start_app, qtbot, home)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ready_view, timeout=WAIT)
    _type_code(qtbot, exam, _code(home, 2))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    assert exam.view is not None
    exam.view.submit_requested.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    assert window.user_label.text() == "Grace Kim"  # the header says who, not "Sign in"
    assert window.sign_out_button.isVisibleTo(window)
    assert not window.sign_in_button.isVisibleTo(window)
    buttons = window.result_view.review_buttons
    assert buttons
    qtbot.mouseClick(next(iter(buttons.values())), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.skill_view, timeout=WAIT)
    window.show_page(window.result_view)
    qtbot.mouseClick(window.result_view.done_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)


def test_a_resume_opens_the_question_the_learner_was_on(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _locked(start_app, qtbot, home)
    assert exam.view is not None
    qtbot.mouseClick(exam.view.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(exam.view.next_button, Qt.MouseButton.LeftButton)
    assert exam.view.current_index == 2
    on_screen = exam.view.item_id_at(2)
    qtbot.waitUntil(
        lambda: _count(home, "SELECT count(*) FROM exam_event WHERE kind = 'viewed'") == 3,
        timeout=WAIT,
    )  # stored as it happens, like an answer: the crash may come at any moment
    exam._timer.stop()  # the station dies here
    assert exam.lockdown is not None
    exam.lockdown.release()
    exam.lockdown.close()
    window.close()

    window, exam = _started(start_app, qtbot, home)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.ready_view, timeout=WAIT)
    _type_code(qtbot, exam, _code(home, 2))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    assert exam.view is not None
    assert exam.view.current_index == 2
    assert exam.view.item_id_at(2) == on_screen


def test_the_result_page_opens_at_its_top_with_the_keyboard_on_the_verdict(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, exam = _locked(start_app, qtbot, home)
    assert exam.view is not None
    exam.view.submit_requested.emit()  # nothing answered: "Not yet", skills to review
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    result = window.result_view
    assert result.review_buttons
    # Seen at 1024x600: the first Review button took the focus and scrolled the verdict away.
    assert window.focusWidget() is result.outcome
    assert result.verticalScrollBar().value() == 0


def test_on_a_lockdown_station_the_shell_stands_aside_for_the_attempt_and_locks_again(
    home: Paths, pool: QThreadPool, qtbot: QtBot, bundled: Path, themed: QApplication
) -> None:
    window = launch(
        paths=home, pool=pool, finish=lambda _code: None, out=None, err=None, lockdown=True
    )
    shell = window.lockdown_shell
    assert isinstance(shell, LockdownWindow)
    qtbot.addWidget(shell, before_close_func=lambda w: w.release())
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=WAIT)
    qtbot.waitUntil(lambda: _count(home, "SELECT count(*) FROM exam_key_slot") > 0, timeout=WAIT)
    # A first run seals its first slots beside its bundled import; the flows come after it.
    qtbot.waitUntil(lambda: window.exam is not None, timeout=WAIT)
    exam = window.exam
    assert isinstance(exam, ExamFlow)
    _FLOWS.append(exam)
    _sign_in_and_get_ready(qtbot, window)
    _type_code(qtbot, exam, _code(home, 1))
    qtbot.waitUntil(lambda: exam.lockdown is not None and exam.lockdown.locked, timeout=WAIT)
    assert not shell.locked  # one lock at a time: two would fight for the front
    assert not shell.isVisible()
    assert not shell.close()  # and still no way out through it
    assert exam.view is not None
    exam.view.submit_requested.emit()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.result_view, timeout=WAIT)
    assert shell.locked
    assert shell.isVisible()
