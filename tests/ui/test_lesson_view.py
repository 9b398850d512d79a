from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from mcdesk.ui.lesson_view import LessonView
from tests.packsource import SVG

LESSON = """# Measuring

## Why studs matter

A **stud** is measured with a tape measure. Every stud counts.

| Unit | Inches |
|---|---|
| foot | 12 |

![A ruler](media/ruler.svg)
"""
KEYWORDS = [
    ("stud", "A vertical framing member."),
    ("tape measure", "A ruler that rolls up."),
    ("joist", "Not in the text."),
]


def _view(qtbot: QtBot) -> LessonView:
    view = LessonView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show_lesson(LESSON, images={"media/ruler.svg": SVG.encode()}, keywords=KEYWORDS)
    return view


def test_markdown_tables_and_pack_images_render(qtbot: QtBot) -> None:
    view = _view(qtbot)
    document = view.document()
    assert "Why studs matter" in document.toPlainText()
    image = view.loadResource(
        QTextDocument.ResourceType.ImageResource.value, QUrl("media/ruler.svg")
    )
    assert not image.isNull()
    assert image.width() == 120
    html = document.toHtml()
    assert "<table" in html


def test_the_first_use_of_each_keyword_carries_its_definition(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.keyword_count() == 2  # "joist" is not in the text
    document = view.document()
    found = document.find("stud", 0, QTextDocument.FindFlag.FindWholeWords)
    # The format after the match's first letter is the keyword's own.
    probe = QTextCursor(document)
    probe.setPosition(found.selectionStart() + 1)
    assert probe.charFormat().toolTip() == "stud: A vertical framing member."
    assert probe.charFormat().anchorHref().startswith("keyword:")
    assert document.toHtml().count('href="keyword:') == 2


def test_keyboard_focus_on_a_keyword_tells_its_definition(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show()
    view.setFocus()
    with qtbot.waitSignal(view.keyword_focused, timeout=2000) as signal:
        qtbot.keyPress(view, Qt.Key.Key_Tab)
        qtbot.keyPress(view, Qt.Key.Key_Return)
    assert signal.args == ["stud", "A vertical framing member."]


def test_tab_alone_explains_each_keyword_it_reaches(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show()
    view.setFocus()
    told: list[tuple[str, str]] = []
    view.keyword_focused.connect(lambda term, meaning: told.append((term, meaning)))
    qtbot.keyPress(view, Qt.Key.Key_Tab)  # no Enter: focus is enough
    assert told == [("stud", "A vertical framing member.")]
    qtbot.keyPress(view, Qt.Key.Key_Tab)
    assert told[-1] == ("tape measure", "A ruler that rolls up.")
    qtbot.keyPress(view, Qt.Key.Key_Backtab)
    assert told[-1] == ("stud", "A vertical framing member.")
