"""The skill page: a lesson with its keywords and links, marking it studied, its self-check."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mcdesk.study.progress import SkillState
from mcdesk.ui.skill_view import SkillView
from mcdesk.ui.theme import BASE_POINT_SIZE, apply_theme
from tests.packsource import SVG

ITEMS: list[dict[str, Any]] = [
    {
        "id": "area-sc-1",
        "type": "single_choice",
        "prompt": "A floor is 12 ft by 10 ft. What is its area?",
        "options": [
            {"id": "a", "text": "22 sq ft"},
            {"id": "b", "text": "120 sq ft"},
            {"id": "c", "text": "44 sq ft"},
        ],
        "answer": "b",
        "feedback": "Area of a rectangle = length × width.",
    },
    {
        "id": "area-sc-2",
        "type": "true_false",
        "prompt": "Area is measured in square units.",
        "answer": True,
        "feedback": "A square foot is a square one foot on each side.",
    },
]
RIGHT = {"area-sc-1": "120 sq ft", "area-sc-2": "True"}
URL = "https://www.osha.gov/construction"
SKILL: dict[str, Any] = {
    "id": "area-measurement",
    "title": "Area Measurement",
    "summary": "Work out the area of floors and walls.",
    "lesson": "skills/area-measurement/lesson.md",
    "keywords": [
        {"term": "area", "definition": "The amount of flat surface a shape covers."},
        {"term": "square foot", "definition": "A square one foot on each side."},
    ],
    "links": [{"title": "OSHA — Construction industry", "url": URL}],
    "self_check": ITEMS,
}
LONG_LESSON = (
    "# Area Measurement\n\nThe area of a floor is counted in square foot units.\n\n"
    + "\n\n".join(f"Step {n}: measure the length, then the width, and multiply." for n in range(60))
    + "\n\n![A ruler](media/ruler.svg)\n"
)
SHORT_LESSON = "# Area Measurement\n\nThe area of a floor is its length times its width.\n"
IN_PROGRESS = SkillState("area-measurement", "in_progress", 12 * 60 + 5, False, None)


def _view(
    qtbot: QtBot,
    *,
    lesson: str = LONG_LESSON,
    state: SkillState = IN_PROGRESS,
    size: tuple[int, int] = (1280, 800),
    online: bool = False,
) -> SkillView:
    """A skill page in an active window, so focus and shortcuts behave as on a desktop."""
    view = SkillView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show_skill(
        pack_title="Basic Construction Math",
        skill=SKILL,
        lesson_markdown=lesson,
        images={"media/ruler.svg": SVG.encode()},
        state=state,
        online=online,
    )
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def _count(signal: Any) -> list[object]:
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def test_the_title_the_stage_and_the_time_are_shown(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.back_button.text() == "‹ Back to Basic Construction Math"
    assert view.title.text() == "Area Measurement"
    assert "◐ In progress" in view.state_line.text()
    assert "Time on this skill: 12 min" in view.state_line.text()
    view.set_time_spent(65 * 60)
    assert "Time on this skill: 1 h 5 min" in view.state_line.text()
    assert "◐ In progress" in view.state_line.text()
    assert view.pages.currentWidget() is view.lesson_page


def test_keywords_are_listed_and_a_keyword_in_the_lesson_shows_its_definition(
    qtbot: QtBot,
) -> None:
    view = _view(qtbot)
    texts = [view.keyword_list.item(row).text() for row in range(view.keyword_list.count())]
    assert texts == [
        "area\nThe amount of flat surface a shape covers.",
        "square foot\nA square one foot on each side.",
    ]
    assert "square foot" not in view.definition_box.text()
    view.lesson.setFocus()
    qtbot.keyClick(view.lesson, Qt.Key.Key_Tab)  # "area"
    qtbot.keyClick(view.lesson, Qt.Key.Key_Tab)  # "square foot"
    qtbot.keyClick(view.lesson, Qt.Key.Key_Return)
    assert "<b>square foot</b>: A square one foot on each side." in view.definition_box.text()

    view.keyword_list.setFocus()
    view.keyword_list.setCurrentRow(1)
    qtbot.keyClick(view.keyword_list, Qt.Key.Key_Up)
    assert "<b>area</b>: The amount of flat surface" in view.definition_box.text()


def test_links_are_text_available_when_online(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.link_list.count() == 1
    assert view.link_list.item(0).text() == (
        f"OSHA — Construction industry\n{URL}\nAvailable when online"
    )
    with qtbot.waitSignal(view.link_opened) as opened_link:  # the teacher's grid counts it
        view.lesson.link_activated.emit(QUrl(URL))
    assert opened_link.args == [URL]
    with qtbot.waitSignal(view.link_opened):
        view.link_list.itemActivated.emit(view.link_list.item(0))
    shown = view.definition_box.text().replace("\u200b", "")
    assert URL in shown
    assert "Available when online" in shown

    online = _view(qtbot, online=True)
    assert "Available when online" not in online.link_list.item(0).text()


def test_finished_reading_marks_the_skill_studied_once(qtbot: QtBot) -> None:
    view = _view(qtbot, lesson=SHORT_LESSON)
    studied = _count(view.studied)
    assert view.lesson.verticalScrollBar().maximum() == 0
    assert studied == []  # a lesson that fits is not "read" until the learner says so
    qtbot.mouseClick(view.studied_button, Qt.MouseButton.LeftButton)
    assert len(studied) == 1
    assert view.studied_button.text() == "✔ Marked as studied"
    assert not view.studied_button.isEnabled()
    qtbot.mouseClick(view.studied_button, Qt.MouseButton.LeftButton)
    assert len(studied) == 1


def test_scrolling_to_the_very_bottom_marks_the_skill_studied(qtbot: QtBot) -> None:
    view = _view(qtbot)
    studied = _count(view.studied)
    bar = view.lesson.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    assert studied == []
    qtbot.keyClick(view.lesson, Qt.Key.Key_End)  # a keyboard user's way to the end
    assert bar.value() == bar.maximum()
    assert len(studied) == 1
    assert not view.studied_button.isEnabled()
    bar.setValue(0)
    bar.setValue(bar.maximum())
    assert len(studied) == 1

    # The next skill starts unread at the top, whatever the last one's scrolling was.
    view.show_skill(
        pack_title="Basic Construction Math",
        skill={**SKILL, "id": "volume", "title": "Volume"},
        lesson_markdown=LONG_LESSON.replace("Step", "Layer"),
        images={},
        state=IN_PROGRESS,
    )
    assert bar.value() == 0
    assert view.studied_button.isEnabled()
    assert len(studied) == 1
    bar.setValue(bar.maximum())
    assert len(studied) == 2


def test_a_lesson_that_comes_to_fit_the_window_still_waits_for_the_button(
    qtbot: QtBot,
) -> None:
    medium = SHORT_LESSON + "\n\n".join(f"Line {n}." for n in range(25))
    view = _view(qtbot, lesson=medium, size=(1280, 400))
    studied = _count(view.studied)
    bar = view.lesson.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 1)
    bar.setValue(1)
    view.resize(1280, 1400)  # now all of it fits: the scroll bar drops to 0 of 0
    qtbot.waitUntil(lambda: bar.maximum() == 0)
    assert studied == []


def test_a_skill_already_studied_says_so_and_is_not_marked_again(qtbot: QtBot) -> None:
    done = SkillState("area-measurement", "studied", 30, True, None)
    view = _view(qtbot, state=done)
    studied = _count(view.studied)
    assert view.studied_button.text() == "✔ Marked as studied"
    assert "● Studied" in view.state_line.text()
    assert "under 1 min" in view.state_line.text()
    bar = view.lesson.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert studied == []


def _answer_right(qtbot: QtBot, view: SkillView) -> None:
    """Choose the right option, check it and move on, by keyboard as a learner may."""
    text = RIGHT[view.selfcheck.run.current["id"]]
    buttons = view.selfcheck.current_input().findChildren(QAbstractButton)
    choice = next(b for b in buttons if b.text() == text)
    choice.setFocus()
    qtbot.keyClick(choice, Qt.Key.Key_Space)
    qtbot.keyClick(choice, Qt.Key.Key_Return)  # checks the answer
    qtbot.keyClick(view.selfcheck.next_button, Qt.Key.Key_Return)


def test_the_self_check_starts_from_the_lesson_and_reports_its_score(qtbot: QtBot) -> None:
    view = _view(qtbot)
    qtbot.mouseClick(view.start_selfcheck_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.selfcheck
    assert view.selfcheck.progress.text() == "Question 1 of 2"
    with qtbot.waitSignal(view.selfcheck_finished) as done:
        _answer_right(qtbot, view)
        _answer_right(qtbot, view)
    credit, total, responses = done.args
    assert (credit, total) == (2.0, 2)
    assert responses == {"area-sc-1": "b", "area-sc-2": True}
    qtbot.mouseClick(view.selfcheck.back_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.lesson_page
    assert view.start_selfcheck_button.text() == "Start the self-check"


def test_back_leaves_the_skill(qtbot: QtBot) -> None:
    view = _view(qtbot)
    with qtbot.waitSignal(view.back):
        qtbot.keyClick(view.back_button, Qt.Key.Key_Space)


def test_alt_s_and_alt_l_switch_pages_and_a_run_under_way_goes_on(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.lesson.setFocus()
    qtbot.keyClick(view.lesson, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert view.pages.currentWidget() is view.selfcheck
    _answer_right(qtbot, view)
    assert view.selfcheck.progress.text() == "Question 2 of 2"

    focused = QApplication.focusWidget()
    assert focused is not None
    assert view.selfcheck.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert view.pages.currentWidget() is view.lesson_page
    assert view.lesson.hasFocus()
    assert view.start_selfcheck_button.text() == "Continue the self-check"

    qtbot.keyClick(view.lesson, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert view.pages.currentWidget() is view.selfcheck
    assert view.selfcheck.progress.text() == "Question 2 of 2"
    for control in (view.lesson, view.start_selfcheck_button, view.pages):
        assert "Alt+S" in control.accessibleDescription()


def test_tab_goes_from_the_top_bar_to_the_lesson_keywords_links_and_buttons(
    qtbot: QtBot,
) -> None:
    view = _view(qtbot)
    order: list[QWidget] = []
    widget = view.back_button
    while widget not in order:
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisible()
            and view.isAncestorOf(widget)
        ):
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order == [
        view.back_button,
        view.lesson,
        view.keyword_list,
        view.link_list,
        view.studied_button,
        view.start_selfcheck_button,
    ]
    for control in order:
        assert control.accessibleName(), control
        assert control.accessibleDescription(), control


def _assert_nothing_clipped(view: SkillView) -> None:
    """Every control inside the view, whole: no text cut short, every entry reachable."""
    QApplication.processEvents()
    assert view.minimumSizeHint().width() <= view.width()
    assert view.minimumSizeHint().height() <= view.height()
    for widget in view.findChildren(QWidget):
        if not widget.isVisible():
            continue
        corner = widget.mapTo(view, QPoint(widget.width(), widget.height()))
        assert corner.x() <= view.width(), widget
        assert corner.y() <= view.height(), widget
        if isinstance(widget, QLabel) and widget.wordWrap():
            assert widget.height() >= widget.heightForWidth(widget.width()), widget.text()
        if isinstance(widget, QPushButton):
            assert widget.width() >= widget.sizeHint().width(), widget.text()
    assert view.lesson.horizontalScrollBar().maximum() == 0
    for entries in (view.keyword_list, view.link_list):
        assert entries.horizontalScrollBar().maximum() == 0
        for row in range(entries.count()):  # wider than the list would mean cut short with "…"
            assert entries.visualItemRect(entries.item(row)).width() <= entries.viewport().width()
        entries.scrollToBottom()
        last = entries.visualItemRect(entries.item(entries.count() - 1))
        assert last.bottom() <= entries.viewport().height()


def test_a_wide_window_keeps_the_panel_beside_the_lesson(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = _view(qtbot, size=(1280, 800))
    lesson, panel = view.lesson.geometry(), view.side_panel.geometry()
    assert panel.left() > lesson.right()
    assert panel.top() == lesson.top()
    assert 250 <= panel.width() <= 350
    assert lesson.width() > 2 * panel.width()
    _assert_nothing_clipped(view)


def test_at_1024_by_600_with_large_text_the_panel_moves_under_the_lesson(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = _view(qtbot, size=(1024, 600))
    assert view.side_panel.geometry().left() > view.lesson.geometry().right()  # 100%: beside

    apply_theme(themed, text_scale=150)  # the learner's "150% text" setting
    assert themed.font().pointSizeF() == BASE_POINT_SIZE * 1.5
    qtbot.waitUntil(lambda: view.side_panel.geometry().top() > view.lesson.geometry().bottom())
    lesson, panel = view.lesson.geometry(), view.side_panel.geometry()
    assert panel.left() == lesson.left()
    assert panel.width() == lesson.width()
    assert lesson.height() > panel.height()  # the lesson keeps most of a short screen
    _assert_nothing_clipped(view)


def test_a_skill_without_keywords_or_links_hides_their_sections(qtbot: QtBot) -> None:
    view = SkillView()
    qtbot.addWidget(view)
    bare = {**SKILL, "keywords": [], "links": []}
    view.show_skill(
        pack_title="Pack",
        skill=bare,
        lesson_markdown=SHORT_LESSON,
        images={},
        state=IN_PROGRESS,
    )
    view.show()
    assert not view.keyword_list.isVisible()
    assert not view.link_list.isVisible()
    assert view.start_selfcheck_button.isEnabled()


def test_a_skill_filled_before_it_is_shown_needs_no_sideways_scrolling(
    qtbot: QtBot, themed: QApplication
) -> None:
    apply_theme(themed, text_scale=150)
    view = _view(qtbot, size=(1024, 600))  # show_skill while hidden, then shown
    assert view.lesson.horizontalScrollBar().maximum() == 0


def test_tab_to_a_keyword_shows_its_definition_without_enter(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.lesson.setFocus()
    qtbot.keyClick(view.lesson, Qt.Key.Key_Tab)  # "area"
    assert "<b>area</b>: The amount of flat surface" in view.definition_box.text()
    qtbot.keyClick(view.lesson, Qt.Key.Key_Tab)  # "square foot"
    assert "<b>square foot</b>: A square one foot on each side." in view.definition_box.text()
