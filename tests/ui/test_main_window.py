"""The catalog window on a real store: clusters, search, detail, keyboard, small screens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.content.catalog import SearchHit
from mcdesk.ui.main_window import SEARCH_PLACEHOLDER, MainWindow
from tests.ui.catalog_source import PACKS
from tests.ui.conftest import Launched


@pytest.fixture
def window(start_app: Callable[..., Launched], bundled: Path, qtbot: QtBot) -> MainWindow:
    """The app started on a fresh home, the catalog opened from the sign-in screen."""
    launched = start_app()
    window = launched.window
    # Sign-in comes first; a first run's catalog is filled once its set-up has finished.
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=30_000)
    qtbot.waitUntil(lambda: window.study is not None, timeout=30_000)
    assert window.catalog_button.isVisible()
    qtbot.mouseClick(window.catalog_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.catalog_view
    return window


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search_field.clear()
    qtbot.keyClicks(window.search_field, text)
    qtbot.waitUntil(lambda: text in window.results_view.summary.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "Searching" not in window.results_view.summary.text())


def test_the_catalog_is_grouped_by_career_cluster(window: MainWindow) -> None:
    view = window.catalog_view
    assert view.cluster_titles() == [
        "Architecture & Construction",
        "Hospitality & Tourism",
        "Information Technology",
    ]
    assert [card.title.text() for card in view.cards] == [
        "Carpentry Basics",
        "Jobsite Safety",
        "Kitchen Prep",
        "Network Cabling",
    ]
    first = view.cards[0]
    assert first.skills.text() == "Skills: Measuring · Estimating"
    assert first.badge is None
    assert first.accessibleName() == "Carpentry Basics"
    assert view.accessibleName()


def test_a_preview_says_so_in_words(window: MainWindow) -> None:
    preview = next(card for card in window.catalog_view.cards if card.pack_id == "jobsite-safety")
    assert preview.badge is not None
    assert preview.badge.text() == "Preview"
    assert preview.accessibleDescription().startswith("Preview.")


def test_the_search_field_is_labelled_for_everyone(window: MainWindow) -> None:
    field = window.search_field
    assert field.placeholderText() == SEARCH_PLACEHOLDER
    assert field.accessibleName() == "Search the catalog"


def test_search_shows_hits_with_the_matched_words_in_bold(window: MainWindow, qtbot: QtBot) -> None:
    _search(qtbot, window, "tape measure")
    results = window.results_view
    assert window.pages.currentWidget() is results
    assert results.summary.text() == f"{len(PACKS)} micro-credentials for “tape measure”"
    titles = [card.title.text() for card in results.cards]
    assert "Carpentry Basics › Measuring" in titles
    assert "<b>tape</b>" in results.cards[0].snippet.text()
    assert "<b>measure</b>" in results.cards[0].snippet.text()

    _search(qtbot, window, "carpentry")
    assert [card.title.text() for card in results.cards] == ["Carpentry Basics"]
    assert results.summary.text() == "1 micro-credential for “carpentry”"


def test_no_matches_says_what_was_searched_and_clearing_restores_the_catalog(
    window: MainWindow, qtbot: QtBot
) -> None:
    _search(qtbot, window, "xylophone")
    assert window.results_view.summary.text() == "No matches for “xylophone”"
    assert window.results_view.cards == []

    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert window.pages.currentWidget() is window.catalog_view
    assert len(window.catalog_view.cards) == len(PACKS)


def test_keyboard_reaches_a_card_opens_it_and_comes_back(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    window.search_field.setFocus()
    first = window.catalog_view.cards[0]
    # Search field, then the header's buttons (Sign in), then the page.
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if first.hasFocus():
            break
    assert first.hasFocus()

    qtbot.keyClick(first, Qt.Key.Key_Return)
    detail = window.detail_view
    assert window.pages.currentWidget() is detail
    assert detail.title.text() == "Carpentry Basics"
    assert [label.text() for label in detail.skills] == ["1.  Measuring", "2.  Estimating"]
    assert detail.back_button.text() == "← Back to the catalog"

    qtbot.keyClick(detail.back_button, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.catalog_view


def test_a_hit_opens_its_micro_credential_and_back_returns_to_the_results(
    window: MainWindow, qtbot: QtBot
) -> None:
    _search(qtbot, window, "cable")
    card = window.results_view.cards[0]
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.detail_view.title.text() == "Network Cabling"
    assert window.detail_view.back_button.text() == "← Back to the search results"
    window.detail_view.back_button.click()
    assert window.pages.currentWidget() is window.results_view


def test_at_1024_by_600_nothing_needs_a_horizontal_scrollbar(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.showNormal()
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.size().width() == 1024)
    view = window.catalog_view
    QApplication.processEvents()
    assert view.columns == 1
    assert view.horizontalScrollBar().maximum() == 0
    viewport = view.viewport()
    for card in view.cards:
        right = card.mapTo(viewport, card.rect().topRight()).x()
        assert right <= viewport.width()
        assert card.height() >= card.heightForWidth(card.width())  # nothing cut off
    assert window.search_field.width() > 400
    assert window.statusBar().isVisible()

    _search(qtbot, window, "measuring")
    assert window.results_view.horizontalScrollBar().maximum() == 0


def test_a_wide_window_puts_cards_side_by_side_and_keeps_focus(
    window: MainWindow, qtbot: QtBot
) -> None:
    view = window.catalog_view
    assert view.columns == 1
    window.showNormal()
    window.resize(1024, 700)
    window.activateWindow()
    view.cards[1].setFocus()
    window.resize(1800, 900)
    qtbot.waitUntil(lambda: view.columns == 2)
    first, second = view.cards[0], view.cards[1]  # both Architecture & Construction
    qtbot.waitUntil(lambda: first.y() == second.y() and first.x() < second.x())
    assert first.height() == second.height()
    assert second.hasFocus()  # rebuilding the grid did not lose the keyboard user's place
    assert view.horizontalScrollBar().maximum() == 0


def _hit(text: str) -> SearchHit:
    return SearchHit(
        pack_id=text,
        pack_title=text.title(),
        career_cluster="Test",
        skill_id=None,
        skill_title=None,
        snippet=f"about [{text}]",
        rank=0.0,
    )


def test_typing_searches_once_after_a_pause_and_stale_answers_are_ignored(
    qtbot: QtBot, pool: QThreadPool
) -> None:
    release = threading.Event()
    asked: list[str] = []

    def search(text: str) -> list[SearchHit]:
        asked.append(text)
        if text == "slow":
            release.wait(timeout=10)
        return [_hit(text)]

    window = MainWindow(pool=pool, search=search)
    qtbot.addWidget(window)
    window.show_catalog([], station_name="Lab 4")
    try:
        qtbot.keyClicks(window.search_field, "slow")
        qtbot.waitUntil(lambda: asked == ["slow"])  # one search for four key presses
        window.search_field.clear()
        qtbot.keyClicks(window.search_field, "fast")
        qtbot.waitUntil(lambda: "“fast”" in window.results_view.summary.text())
    finally:
        release.set()
    pool.waitForDone()
    QApplication.processEvents()  # deliver the slow answer, which must be dropped
    assert asked == ["slow", "fast"]
    assert [card.title.text() for card in window.results_view.cards] == ["Fast"]


def test_an_empty_catalog_says_what_to_do(qtbot: QtBot, pool: QThreadPool) -> None:
    window = MainWindow(pool=pool, search=lambda text: [])
    qtbot.addWidget(window)
    window.show_catalog([], station_name="Lab 4")
    assert window.status_label.text() == "Lab 4 · 0 micro-credentials"
    assert window.catalog_view.cards == []
