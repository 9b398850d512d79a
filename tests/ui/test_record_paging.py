"""A year's record on the teacher page: 260 attempts by 30 learners, made through the real
exam engine on the app's real store, paged with Newer and Older from the keyboard, filtered
by learner and micro-credential, read on the study queue; a stale answer never wins."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from mcdesk.demo import DEMO_CLASS_ID
from mcdesk.exam.record_pages import MAX_FILTER_CHARS, RecordPage, RecordQuery, station_page
from mcdesk.keys import read_private_key
from mcdesk.paths import Paths
from mcdesk.ui.background import run_in_background
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.record_section import NONE_MATCH, RecordSection
from tests.exam.bank import PACK
from tests.exam.record_seed import (
    OTHER_PACK,
    add_learners,
    learner_names,
    record_store,
    sit_many,
)
from tests.ui.a11y import Role, accessible_tree, dump, unnamed_controls
from tests.ui.conftest import Launched

StartApp = Callable[..., Launched]
WAIT = 30_000
ATTEMPTS = 260  # six pages, the last a short one (tests/exam/test_record_pages.py: 1,200)
START = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


def newest_first(database: Path) -> list[str]:
    """Every attempt's id, newest first by (start time, id), sorted here."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT created_at, id FROM attempt").fetchall()
    connection.close()
    return [attempt_id for _at, attempt_id in sorted(rows, reverse=True)]


def teacher_with_a_year(start_app: StartApp, qtbot: QtBot, home: Paths) -> MainWindow:
    """The app set up as on a first run, closed; the attempts made on its store; the app
    started again (the record is there when the station starts) and the demo teacher
    signed in."""
    first = start_app().window
    qtbot.waitUntil(lambda: first.study is not None, timeout=WAIT)
    first.close()
    assert first.wait_for_background(60_000)
    learners = add_learners(home.database, learner_names(30), class_id=DEMO_CLASS_ID)
    key = read_private_key(home.station_key)
    sit_many(home.database, key=key, learner_ids=learners, count=ATTEMPTS, start=START)
    window = start_app().window
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: window.study is not None, timeout=WAIT)
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.teacher_page, timeout=WAIT)
    record = window.teacher_page.record
    qtbot.waitUntil(lambda: record.page is not None, timeout=WAIT)
    return window


def shown_page(record: RecordSection) -> RecordPage:
    assert record.page is not None
    return record.page


def turn(qtbot: QtBot, record: RecordSection, button_name: str) -> RecordPage:
    """Press a paging button with Space, as a keyboard user does; the page that comes."""
    before = record.page
    button = getattr(record, button_name)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: record.page is not before, timeout=WAIT)
    return shown_page(record)


def test_older_and_newer_page_through_every_attempt_once_newest_first(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window = teacher_with_a_year(start_app, qtbot, home)
    record = window.teacher_page.record
    page = shown_page(record)
    assert record.count_label.text() == "Showing 1–50 of 260 attempts"
    assert record.count_label.accessibleName() == record.count_label.text()
    assert not record.newer_button.isEnabled()
    assert record.list_box.count() == 50  # one card or panel per attempt
    listed = [line.attempt_id for line in page.lines]
    while record.older_button.isEnabled():
        page = turn(qtbot, record, "older_button")
        listed += [line.attempt_id for line in page.lines]
        assert record.list_box.count() == len(page.lines)
    assert listed == newest_first(home.database)
    assert record.count_label.text() == "Showing 251–260 of 260 attempts"
    assert record.newer_button.hasFocus()  # Older ended: focus stays on the paging row

    back = turn(qtbot, record, "newer_button")
    assert (back.first, back.last) == (201, 250)
    assert record.older_button.isEnabled()
    # A card's incidents still open by the keyboard alone on a later page.
    assert len(record.cards) == sum(1 for line in back.lines if line.incidents) > 0
    card = record.cards[0]
    qtbot.waitUntil(lambda: card.isVisibleTo(record), timeout=WAIT)  # shown once laid out
    record.older_button.setFocus()
    qtbot.keyClick(record.older_button, Qt.Key.Key_Tab)  # from the paging row into the page
    assert card.hasFocus()
    for later in record.cards[1:]:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        assert later.hasFocus()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.focusWidget() not in record.cards  # on to the roster's controls
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Space)
    assert card.isChecked()
    assert card.incident_labels[0].isVisibleTo(record)

    # Signing out leaves nothing of the record on the page for whoever comes next.
    window.teacher_page.sign_out_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=WAIT)
    assert record.page is None
    assert record.list_box.count() == 0
    assert record.credential_box.count() == 1
    assert record.count_label.text() == ""


def test_the_filters_combine_the_count_says_so_and_each_control_is_named(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window = teacher_with_a_year(start_app, qtbot, home)
    record = window.teacher_page.record
    first = shown_page(record)
    record.learner_field.setFocus()
    qtbot.keyClicks(record.learner_field, "zo")  # read once typing pauses (QTest types ASCII)
    qtbot.waitUntil(lambda: shown_page(record).query.learner == "zo", timeout=WAIT)
    by_name = shown_page(record)
    assert by_name is not first
    assert by_name.total == 9  # one turn in every 30
    assert {line.learner for line in by_name.lines} == {"Zoë Ångström"}
    assert record.count_label.text() == "Showing 1–9 of 9 matching attempts"
    assert not record.older_button.isEnabled()

    box = record.credential_box
    assert [box.itemText(i) for i in range(box.count())] == [
        "All micro-credentials",
        PACK,
        OTHER_PACK,
    ]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # a closed combo box steps through its choices
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: shown_page(record).query.pack_id == OTHER_PACK, timeout=WAIT)
    both = shown_page(record)
    assert both.query.learner == "zo"
    assert 0 < both.total < by_name.total
    assert {(line.learner, line.title) for line in both.lines} == {("Zoë Ångström", OTHER_PACK)}

    record.learner_field.selectAll()
    qtbot.keyClicks(record.learner_field, "nobody at all")
    qtbot.keyClick(record.learner_field, Qt.Key.Key_Return)  # at once, without the pause
    qtbot.waitUntil(lambda: shown_page(record).total == 0, timeout=WAIT)
    assert record.count_label.text() == NONE_MATCH
    assert record.list_box.count() == 0

    # Every control says what it is; the count is text a screen reader finds.
    tree = accessible_tree(record)
    assert unnamed_controls(tree) == [], dump(tree)  # the field's clear button too
    names = {(node.role, node.name) for node in tree if node.showing}
    assert (Role.EditableText, "Filter by learner name") in names
    assert (Role.PushButton, "Clear the learner filter") in names
    assert (Role.PushButton, "Show older attempts") in names
    assert (Role.StaticText, NONE_MATCH) in names
    # A combo box is named by its choice; its label, "Micro-credential", says what it is.
    assert (Role.ComboBox, OTHER_PACK) in names
    assert (Role.StaticText, "Micro-credential") in names
    buddies = [label.buddy() for label in record.findChildren(QLabel) if label.buddy()]
    assert buddies == [record.learner_field, record.credential_box]

    # The filter is bounded as it is typed.
    record.learner_field.selectAll()
    qtbot.keyClicks(record.learner_field, "x" * (MAX_FILTER_CHARS + 20))
    assert len(record.learner_field.text()) == MAX_FILTER_CHARS


@pytest.fixture
def two_threads(qtbot: QtBot) -> Iterator[QThreadPool]:
    pool = QThreadPool()
    pool.setMaxThreadCount(2)  # two reads at once, so answers can come back out of order
    yield pool
    assert pool.waitForDone(WAIT)


def test_an_answer_to_a_filter_since_changed_never_replaces_the_newer_one(
    qtbot: QtBot, tmp_path: Path, two_threads: QThreadPool
) -> None:
    database = record_store(tmp_path, key=Ed25519PrivateKey.generate(), count=120, start=START)
    record = RecordSection(keep_visible=lambda _widget: None)
    qtbot.addWidget(record)
    record.show()
    hold = threading.Event()  # the first read waits until the newer answer is on screen
    answered: list[RecordQuery] = []
    failures: list[Exception] = []

    def read(serial: int, query: RecordQuery) -> None:
        def task() -> RecordPage:
            if serial == 1:
                assert hold.wait(WAIT)
            return station_page(database, teacher_username="teach", query=query)

        def shown(page: RecordPage) -> None:
            answered.append(page.query)
            record.show_page(serial, page)

        run_in_background(
            parent=record, pool=two_threads, task=task, on_success=shown, on_failure=failures.append
        )

    record.wanted.connect(read)
    try:
        record.begin()  # asks for the newest page of everyone: held
        record.learner_field.setFocus()
        qtbot.keyClicks(record.learner_field, "Mile")
        qtbot.keyClick(record.learner_field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: record.page is not None, timeout=WAIT)
    finally:
        hold.set()
    qtbot.waitUntil(lambda: len(answered) == 2 or bool(failures), timeout=WAIT)
    assert failures == []
    assert [query.learner for query in answered] == ["Mile", ""]  # the stale one came last
    page = shown_page(record)
    assert page.query.learner == "Mile"
    assert {line.learner for line in page.lines} == {"ÉMILE DUBOIS"}
    assert record.count_label.text() == "Showing 1–4 of 4 matching attempts"
