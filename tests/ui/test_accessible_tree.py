"""What a screen reader finds on each screen: names, roles, states and reading order.

The trees come from Qt's accessibility interfaces offscreen, the ones Qt's AT-SPI bridge
hands to Orca on Linux (see ``tests/ui/a11y.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.ui.exam_view import ExamView
from mcdesk.ui.lockdown import LockdownWindow
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.study_flow import StudyFlow
from mcdesk.ui.sync_status import SyncStatusView
from tests.ui.a11y import Role, accessible_tree, dump, showing, unnamed_controls
from tests.ui.conftest import Launched
from tests.ui.shown_items import ITEMS
from tests.ui.test_skill_view import _view as skill_page

StartApp = Callable[..., Launched]
WAIT = 30_000
CHOICE: dict[str, Any] = {
    "id": "sc",
    "type": "single_choice",
    "prompt": "Which is longer?",
    "feedback": "A foot is 12 inches.",
    "options": [{"id": "a", "text": "1 ft"}, {"id": "b", "text": "10 in"}],
    "answer": "a",
}


def _on(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=WAIT)


def _roster_items(window: MainWindow) -> list[str]:
    nodes = accessible_tree(window.signin_view.names)
    return showing(nodes, role=Role.ListItem)


def test_the_roster_is_read_only_while_the_sign_in_page_shows(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window = start_app().window
    _on(qtbot, window, window.signin_view)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    assert "Grace Kim, Period 2 — Construction & IT (demo)" in _roster_items(window)
    tree = accessible_tree(window)
    assert unnamed_controls(tree) == [], dump(tree)

    view = window.signin_view
    qtbot.keyClicks(view.filter, "Grace Kim")
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, "1234")
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    _on(qtbot, window, window.home_view)
    assert _roster_items(window) == []  # hidden page: no name "showing" to a screen reader
    tree = accessible_tree(window)
    assert unnamed_controls(tree) == [], dump(tree)

    study = window.study
    assert isinstance(study, StudyFlow)
    study.sign_out()
    _on(qtbot, window, window.signin_view)
    qtbot.waitUntil(lambda: len(_roster_items(window)) > 10, timeout=WAIT)
    assert len(window.signin_view._visible_names()) == len(_roster_items(window)) - 1  # + class


def test_status_bar_labels_say_their_text_as_their_name(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window = start_app().window
    qtbot.waitUntil(lambda: "micro-credential" in window.status_label.text(), timeout=WAIT)
    # The sync indicator comes with the study flow, once the study core is loaded.
    qtbot.waitUntil(lambda: window.findChild(SyncStatusView) is not None, timeout=WAIT)
    indicator = window.findChild(SyncStatusView)
    assert indicator is not None
    names = {node.name for node in accessible_tree(window.statusBar()) if node.showing}
    assert window.status_label.text() in names
    assert indicator.text.text() in names  # "Not connected to a school server"
    assert indicator.text.accessibleName() == indicator.text.text()
    assert indicator.mark.accessibleName() == "Sync"  # the symbol's meaning, not "○"


def test_the_lessons_keywords_are_not_read_on_the_self_check_page(qtbot: QtBot) -> None:
    view = skill_page(qtbot)
    on_lesson = accessible_tree(view)
    assert "area\nThe amount of flat surface a shape covers." in showing(
        on_lesson, role=Role.ListItem
    )
    view.show_selfcheck_page()
    on_selfcheck = accessible_tree(view)
    assert showing(on_selfcheck, role=Role.ListItem) == [], dump(on_selfcheck)
    assert "Lesson" not in showing(on_selfcheck, role=Role.Client)
    view.show_lesson_page()
    assert len(showing(accessible_tree(view), role=Role.ListItem)) == 3  # 2 keywords, 1 link


def test_in_the_self_check_the_choices_come_before_check_answer_and_are_named(
    qtbot: QtBot,
) -> None:
    view = SelfCheckView(seed_source=random.Random(3))
    qtbot.addWidget(view)
    view.start([CHOICE])
    view.show()
    tree = [node for node in accessible_tree(view) if node.showing]
    names = [node.name for node in tree]
    group = next(node for node in tree if node.name == "Answer choice")
    assert group.role in (Role.Client, Role.Grouping)
    assert names.index("1 ft") < names.index("Check answer"), dump(tree)
    assert names.index("10 in") < names.index("Check answer"), dump(tree)
    assert names.index("Which is longer?") < names.index("Answer choice")
    assert unnamed_controls(tree) == [], dump(tree)
    # Tab goes the same way: from the answer to the button.
    after = view.current_input().findChildren(QWidget)[-1].nextInFocusChain()
    while after.focusPolicy() == Qt.FocusPolicy.NoFocus or not after.isVisible():
        after = after.nextInFocusChain()
    assert after is view.check_button


def test_the_assessment_window_is_a_window_to_a_screen_reader(qtbot: QtBot) -> None:
    exam = ExamView()
    window = LockdownWindow(exam, policy="log")
    qtbot.addWidget(window)
    window.show()
    exam.show_paper(
        title="Basic Construction Math",
        items=[ITEMS["single_choice"], ITEMS["numeric"]],
        answers={},
        flagged=set(),
        remaining_s=1800.0,
    )
    tree = accessible_tree(window)
    assert tree[0].role in (Role.Window, Role.Dialog)  # "frame", not "filler"
    assert tree[0].name == "Assessment"
    assert unnamed_controls(tree) == [], dump(tree)


def test_every_screen_of_the_study_path_names_its_controls(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    window = start_app().window
    _on(qtbot, window, window.signin_view)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    view = window.signin_view
    qtbot.keyClicks(view.filter, "Grace Kim")
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, "1234")
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    _on(qtbot, window, window.home_view)
    study = window.study
    assert isinstance(study, StudyFlow)
    study.open_pack("carpentry-basics")
    _on(qtbot, window, window.pack_page)
    tree = accessible_tree(window)
    assert unnamed_controls(tree) == [], dump(tree)
    study.open_skill("carpentry-basics", "measuring")
    _on(qtbot, window, window.skill_view)
    skill = window.skill_view
    tree = accessible_tree(window)
    assert unnamed_controls(tree) == [], dump(tree)
    qtbot.mouseClick(skill.start_selfcheck_button, Qt.MouseButton.LeftButton)
    tree = accessible_tree(window)
    assert unnamed_controls(tree) == [], dump(tree)
    assert showing(tree, role=Role.ListItem) == [], dump(tree)  # no keywords, no roster
    assert QApplication.focusWidget() is not None
