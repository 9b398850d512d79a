from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.ui.lesson_view import LessonView
from tests.packsource import SVG
from tests.ui.fit import large_text

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


WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="400" viewBox="0 0 1600 400">'
    '<rect x="0" y="0" width="1600" height="400" fill="#fc3"/></svg>\n'
)
WIDE_LESSON = (
    "# Reading a site plan\n\n"
    + "Builders read the plan before they dig, and they check each distance twice. " * 12
    + "\n\n| Feature | Symbol on the plan | Typical line weight | Who draws it | "
    "Where it is checked | Why it matters |\n|---|---|---|---|---|---|\n"
    + "| Property line | Long dash, two short dashes | Heavy | Surveyor | Town office | "
    "Buildings must stay inside it |\n"
    * 4
    + "\n![A plan of a lot with the house set back from every property line](media/wide.svg)\n\n"
    + "After the figure the lesson goes on in plain words for another long paragraph. " * 8
)


@pytest.mark.parametrize("width", [480, 560, 680, 720, 920, 1000])
def test_a_lesson_at_200_percent_text_reflows_without_sideways_scrolling(
    qtbot: QtBot, themed: QApplication, width: int
) -> None:
    large_text(themed, scale=200)
    view = LessonView()
    qtbot.addWidget(view)
    view.resize(width, 475)
    view.show()
    qtbot.waitExposed(view)
    view.show_lesson(WIDE_LESSON, images={"media/wide.svg": WIDE_SVG.encode()}, keywords=[])
    QApplication.processEvents()
    assert view.horizontalScrollBar().maximum() == 0
    assert view.document().size().width() <= view.viewport().width()
    # The figure is scaled to the column, keeping its shape; the table wraps its cells.
    [figure] = _images(view)
    assert 0 < figure.width() <= view.viewport().width()
    assert figure.height() == pytest.approx(figure.width() / 4, abs=1)
    # A later resize reflows again (the learner turns the screen or resizes the window).
    view.resize(width + 200, 475)
    QApplication.processEvents()
    assert view.horizontalScrollBar().maximum() == 0
    [wider] = _images(view)
    assert wider.width() >= figure.width()


def _images(view: LessonView) -> list[QTextImageFormat]:
    found = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                found.append(fmt.toImageFormat())
            it += 1
        block = block.next()
    return found
