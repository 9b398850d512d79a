"""The micro-credential page: skill states in words, keyboard use, access, readiness, fit."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from mcdesk.content.catalog import CatalogEntry
from mcdesk.study.progress import SkillState
from mcdesk.ui.cards import Card, ReadingColumn
from mcdesk.ui.pack_page import NO_ACCESS, PREVIEW_NOTE, READY, PackPage, format_minutes

ENTRY = CatalogEntry(
    id="carpentry",
    version="1.0.0",
    title="Carpentry Basics",
    career_cluster="Architecture & Construction",
    summary="Measure, estimate and read plans like a framer.",
    preview=False,
    skill_titles=("Measuring", "Estimating", "Reading plans"),
)
PREVIEW = CatalogEntry(
    id="safety",
    version="0.1.0",
    title="Jobsite Safety",
    career_cluster="Architecture & Construction",
    summary="Stay safe on site.",
    preview=True,
    skill_titles=("Hazards",),
)
MANIFEST: dict[str, Any] = {
    "skills": [
        {"id": "measuring", "title": "Measuring", "summary": "Read a tape measure to 1/16 in."},
        {"id": "estimating", "title": "Estimating", "summary": "Count studs for a wall."},
        {"id": "plans", "title": "Reading plans", "summary": "Find dimensions on a plan."},
    ],
    "assessment": {"time_limit_minutes": 30, "proficiency_level": 0.75},
}
PREVIEW_MANIFEST: dict[str, Any] = {
    "skills": [{"id": "hazards", "title": "Hazards", "summary": "Spot the hazards."}]
}
STATES = {
    "measuring": SkillState("measuring", "in_progress", 750, False, None),
    "estimating": SkillState("estimating", "mastered", 3900, True, (4.0, 5)),
}
ALL_MASTERED = {
    skill["id"]: SkillState(skill["id"], "mastered", 600, True, (5.0, 5))
    for skill in MANIFEST["skills"]
}


def shown_texts(view: QWidget) -> list[str]:
    """The text of every label the page shows now (cleared ones are hidden)."""
    return [label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view)]


def clipped(view: ReadingColumn) -> list[str]:
    """What is cut off or sticks out sideways: labels, buttons and cards, by their text."""
    viewport = view.viewport()
    problems = [] if view.horizontalScrollBar().maximum() == 0 else ["scrolls sideways"]
    for label in view.column.findChildren(QLabel):
        if not label.isVisibleTo(view):
            continue
        if label.mapTo(viewport, label.rect().topRight()).x() > viewport.width():
            problems.append(f"too wide: {label.text()}")
        wrapped = label.wordWrap()
        wanted = label.heightForWidth(label.width()) if wrapped else label.sizeHint().height()
        if label.height() < wanted:
            problems.append(f"too short: {label.text()}")
        if not wrapped and label.width() < label.sizeHint().width():
            problems.append(f"too narrow: {label.text()}")
    for button in view.column.findChildren(QAbstractButton):
        if not button.isVisibleTo(view):
            continue
        if button.mapTo(viewport, button.rect().topRight()).x() > viewport.width():
            problems.append(f"too wide: {button.accessibleName()}")
        if isinstance(button, Card):
            if button.height() < button.heightForWidth(button.width()):
                problems.append(f"too short: {button.accessibleName()}")
        elif button.width() < button.sizeHint().width() or button.height() < 20:
            problems.append(f"too small: {button.text()}")
    return problems


def assert_nothing_clipped(qtbot: QtBot, view: ReadingColumn) -> None:
    """At 1024×600 nothing is cut off and nothing scrolls sideways."""
    view.resize(1024, 600)
    view.show()
    qtbot.waitExposed(view)
    # A scroll area takes a few event-loop passes to size wrapped content for its width.
    with contextlib.suppress(WaitTimeout):
        qtbot.waitUntil(lambda: not clipped(view), timeout=2000)
    assert clipped(view) == []


@pytest.fixture
def large_text(themed: QApplication) -> QApplication:
    """The app's theme at 150% text: the base font and every size in the stylesheet."""
    font = themed.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    themed.setFont(font)
    sheet = re.sub(r"(\d+(?:\.\d+)?)pt", lambda m: f"{float(m[1]) * 1.5:g}pt", themed.styleSheet())
    themed.setStyleSheet(sheet)
    return themed


def _page(
    qtbot: QtBot,
    *,
    entry: CatalogEntry = ENTRY,
    manifest: dict[str, Any] = MANIFEST,
    states: dict[str, SkillState] = STATES,
    granted: bool = True,
) -> PackPage:
    page = PackPage()
    qtbot.addWidget(page)
    page.resize(1024, 600)  # the size of the main window's page area on a small lab screen
    page.show_pack(
        entry=entry, manifest=manifest, states=states, granted=granted, back_to="the catalog"
    )
    return page


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "less than a minute"),
        (59, "less than a minute"),
        (60, "1 min"),
        (25 * 60 + 30, "25 min"),
        (3600 + 5 * 60, "1 h 05 min"),
        (2 * 3600 + 45 * 60, "2 h 45 min"),
    ],
)
def test_minutes_read_as_a_learner_says_them(seconds: int, text: str) -> None:
    assert format_minutes(seconds) == text


def test_each_skill_shows_its_state_in_words_and_a_symbol(qtbot: QtBot) -> None:
    page = _page(qtbot)
    assert list(page.skill_cards) == ["measuring", "estimating", "plans"]
    assert page.skill_cards["measuring"].state.text() == "◐ In progress"
    assert page.skill_cards["estimating"].state.text() == "✔ Self-check mastered"
    assert page.skill_cards["plans"].state.text() == "○ Not started"
    texts = shown_texts(page)
    assert "Time spent: 12 min" in texts
    assert "Time spent: 1 h 05 min" in texts
    assert "Time spent: none yet" in texts
    assert "Self-check: 4 of 5" in texts
    assert sum(text.startswith("Self-check:") for text in texts) == 1  # only where there is one
    assert "Targeted skills — study them in any order" in texts
    assert "Architecture & Construction" in texts
    assert page.title.text() == "Carpentry Basics"


def test_a_studied_skill_and_partial_credit(qtbot: QtBot) -> None:
    states = {"plans": SkillState("plans", "studied", 90, True, (3.5, 5))}
    page = _page(qtbot, states=states)
    assert page.skill_cards["plans"].state.text() == "● Studied"
    assert "Self-check: 3.5 of 5" in shown_texts(page)


def test_every_control_has_an_accessible_name_and_cards_say_their_state(qtbot: QtBot) -> None:
    page = _page(qtbot)
    for button in page.findChildren(QAbstractButton):
        if button.isVisibleTo(page):
            assert button.accessibleName(), button
    card = page.skill_cards["measuring"]
    assert card.accessibleName() == "Measuring"
    assert card.accessibleDescription().startswith("In progress. Read a tape measure")
    assert "◐" not in card.accessibleDescription()
    assert page.back_button.accessibleName() == "Back to the catalog"


def test_a_click_opens_the_skill(qtbot: QtBot) -> None:
    page = _page(qtbot)
    with qtbot.waitSignal(page.open_skill, timeout=1000) as signal:
        qtbot.mouseClick(page.skill_cards["estimating"], Qt.MouseButton.LeftButton)
    assert signal.args == ["estimating"]


@pytest.mark.parametrize(
    "key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space], ids=["Return", "Enter", "Space"]
)
def test_the_keyboard_alone_reaches_and_opens_a_skill(qtbot: QtBot, key: Qt.Key) -> None:
    page = _page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.back_button.setFocus()
    qtbot.waitUntil(page.back_button.hasFocus)
    assert page.back_button.text() == "‹ Back to the catalog"
    # One focus stop per card: Tab goes from card to card, never into a card's labels.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert page.skill_cards["measuring"].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert page.skill_cards["estimating"].hasFocus()
    with qtbot.waitSignal(page.open_skill, timeout=1000) as signal:
        qtbot.keyClick(page.skill_cards["estimating"], key)
    assert signal.args == ["estimating"]


def test_back_by_button_and_by_escape(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.back, timeout=1000):
        qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    page.activateWindow()
    page.skill_cards["plans"].setFocus()
    qtbot.waitUntil(page.skill_cards["plans"].hasFocus)
    with qtbot.waitSignal(page.back, timeout=1000):
        qtbot.keyClick(page.skill_cards["plans"], Qt.Key.Key_Escape)


def test_without_access_the_skills_are_listed_but_cannot_be_opened(qtbot: QtBot) -> None:
    page = _page(qtbot, granted=False)
    assert page.skill_cards == {}
    assert page.findChildren(Card) == []
    focusable = [
        widget
        for widget in page.column.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(page)
    ]
    assert focusable == [page.back_button]
    texts = shown_texts(page)
    assert NO_ACCESS in texts
    assert "Reading plans" in texts
    assert "Count studs for a wall." in texts
    assert not any(text.startswith("Skills studied") for text in texts)


def test_readiness_names_the_skills_still_to_work_on(qtbot: QtBot) -> None:
    page = _page(qtbot)
    texts = shown_texts(page)
    assert "Assessment readiness" in texts
    assert "Skills studied: 1 of 3 · Self-checks mastered: 1 of 3" in texts
    assert "30 minutes · pass mark 75%" in texts
    assert page.readiness_label is not None
    assert page.readiness_label.text() == "Still to work on: Measuring, Reading plans"
    assert READY not in texts


def test_readiness_says_ready_when_every_skill_is_mastered(qtbot: QtBot) -> None:
    page = _page(qtbot, states=ALL_MASTERED)
    assert "Skills studied: 3 of 3 · Self-checks mastered: 3 of 3" in shown_texts(page)
    assert page.readiness_label is not None
    assert page.readiness_label.text() == READY


def test_a_preview_has_no_assessment_and_says_so(qtbot: QtBot) -> None:
    page = _page(qtbot, entry=PREVIEW, manifest=PREVIEW_MANIFEST, states={})
    texts = shown_texts(page)
    assert "Preview" in texts  # the badge, in words
    assert PREVIEW_NOTE in texts
    assert "Assessment readiness" not in texts
    assert page.readiness_label is None


def test_showing_another_pack_replaces_the_last_one(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.show_pack(
        entry=PREVIEW, manifest=PREVIEW_MANIFEST, states={}, granted=True, back_to="my home"
    )
    assert list(page.skill_cards) == ["hazards"]
    assert "Measuring" not in shown_texts(page)
    assert page.back_button.text() == "‹ Back to my home"
    assert [b for b in page.findChildren(QPushButton) if b.isVisibleTo(page)] == [page.back_button]


@pytest.mark.parametrize("granted", [True, False])
def test_nothing_is_cut_off_at_1024_by_600_with_large_text(
    qtbot: QtBot, large_text: QApplication, granted: bool
) -> None:
    page = _page(qtbot, granted=granted)
    assert_nothing_clipped(qtbot, page)


def test_page_down_from_a_card_scrolls_to_the_readiness_summary(
    qtbot: QtBot, large_text: QApplication
) -> None:
    page = _page(qtbot)
    assert_nothing_clipped(qtbot, page)
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0  # the page is taller than the screen at this size
    page.activateWindow()
    card = page.skill_cards["plans"]
    card.setFocus()
    qtbot.waitUntil(card.hasFocus)
    while bar.value() < bar.maximum():
        before = bar.value()
        qtbot.keyClick(card, Qt.Key.Key_PageDown)
        assert bar.value() > before
    label = page.readiness_label
    assert label is not None
    bottom = label.mapTo(page.viewport(), label.rect().bottomLeft()).y()
    assert 0 <= bottom <= page.viewport().height()


STANDARDS = [
    {
        "framework": "OSHA Construction Industry Regulations",
        "code": "29 CFR 1926.302",
        "title": "Power-operated hand tools",
        "url": "https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302",
        "skills": ["measuring", "plans"],
    },
    {
        "framework": "<b>Advance CTE</b> Career Clusters & Pathways",
        "code": "AC-<i>1</i>",
        "title": "<script>alert(1)</script> Architecture & Construction",
        "url": "https://careertech.org/career-clusters/" + "very-long-segment-" * 8,
    },
]


def test_the_page_names_its_standards_as_plain_text(qtbot: QtBot) -> None:
    page = _page(qtbot, manifest={**MANIFEST, "standards": STANDARDS})
    texts = shown_texts(page)
    at = texts.index("Industry standards")
    assert texts[at + 2 : at + 6] == [
        "OSHA Construction Industry Regulations · 29 CFR 1926.302",
        "Power-operated hand tools",
        "Skills: Measuring, Reading plans",
        "Web page (available when online): https:/\u200b/\u200bwww.osha.gov/\u200blaws-regs/"
        "\u200bregulations/\u200bstandardnumber/\u200b1926/\u200b1926.302",
    ]
    # Names with markup show as the characters they are, never as markup.
    second = list(page.standard_boxes[1].findChildren(QLabel))
    assert [label.text() for label in second[:3]] == [
        "<b>Advance CTE</b> Career Clusters & Pathways · AC-<i>1</i>",
        "<script>alert(1)</script> Architecture & Construction",
        "All skills",
    ]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in second)
    box = page.standard_boxes[0]
    assert box.accessibleName() == "Standard: Power-operated hand tools"
    assert box.accessibleDescription().startswith("OSHA Construction Industry Regulations · 29")
    assert box.accessibleDescription().endswith(
        "online): https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302"
    )
    # The standards come after the readiness summary, so the Ready button is not pushed down.
    labels = [label for label in page.column.findChildren(QLabel) if label.isVisibleTo(page)]
    names = [label.objectName() for label in labels]
    assert names.index("readiness") < texts.index("Industry standards")


def test_a_pack_without_standards_shows_no_standards_heading(qtbot: QtBot) -> None:
    page = _page(qtbot)
    assert page.standard_boxes == []
    assert "Industry standards" not in shown_texts(page)


@pytest.mark.parametrize("granted", [True, False])
def test_standards_fit_at_1024_by_600_with_large_text(
    qtbot: QtBot, large_text: QApplication, granted: bool
) -> None:
    page = _page(qtbot, manifest={**MANIFEST, "standards": STANDARDS}, granted=granted)
    assert_nothing_clipped(qtbot, page)
