"""A learner reading a class announcement on home: recorded once, on the real store.

"Read" is the station's rule (mcdesk.study.announcement_reads): the notice's card on
screen, on the signed-in learner's home, for DWELL_SECONDS while the page holds still.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.announcement_reads import DWELL_SECONDS
from mcdesk.study.announcements import Notice
from mcdesk.study.home import LearnerHome
from mcdesk.ui.home_view import HomeView
from tests.ui.conftest import Launched
from tests.ui.test_study_flow import WAIT, _signed_in, _started

StartApp = Callable[..., Launched]
DWELL_MS = DWELL_SECONDS * 1000


def _post(database: Path, *, learner: str, ids: list[str]) -> None:
    """Announcements for the learner's class, as the announcements stream writes them."""
    with sqlite3.connect(database) as raw:
        (class_id,) = raw.execute(
            "SELECT class_id FROM learner WHERE display_name = ?", (learner,)
        ).fetchone()
        for n, announcement_id in enumerate(ids):
            raw.execute(
                "INSERT INTO announcement (id, class_id, text, due_on, posted_at, posted_by)"
                " VALUES (?, ?, ?, NULL, ?, 'Ms Lee')",
                (announcement_id, class_id, f"Notice {n}", f"2026-12-0{n + 1}T08:00:00"),
            )


def _reads(database: Path) -> list[dict[str, object]]:
    with opened(database, read_only=True) as connection:
        return [
            json.loads(body)
            for (body,) in connection.execute(
                "SELECT body FROM outbox WHERE kind = 'announcement_read' ORDER BY seq"
            )
        ]


def test_a_notice_on_home_is_recorded_once_per_learner_through_the_study_queue(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window, study = _started(start_app, qtbot)
    _post(home.database, learner="Grace Kim", ids=["n-1"])
    _signed_in(qtbot, window)
    assert len(window.home_view.notice_cards) == 1
    qtbot.waitUntil(lambda: len(_reads(home.database)) == 1, timeout=WAIT)
    (read,) = _reads(home.database)
    assert read["kind"] == "announcement_read"
    assert read["announcement_id"] == "n-1"
    assert read["learner_id"] == study.learner_id

    # Home again, and again the notice held on screen: still one read.
    for _ in range(2):
        qtbot.mouseClick(window.catalog_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(window.home_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
        qtbot.wait(DWELL_MS + 500)
    assert len(_reads(home.database)) == 1
    with opened(home.database, read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM announcement_read").fetchone()[0] == 1


def _home(ids: list[str]) -> LearnerHome:
    notices = tuple(
        Notice(
            i,
            f"Notice {i}: " + "bring your boots and a tape measure. " * 4,
            None,
            "",
            "2026-12-01",
            "Ms Lee",
        )
        for i in ids
    )
    return LearnerHome(mine=(), continue_at=None, not_granted=(), notices=notices)


def test_only_a_notice_held_on_screen_counts(qtbot: QtBot) -> None:
    view = HomeView()
    qtbot.addWidget(view)
    view.resize(700, 170)  # room for the greeting and one notice
    view.show()
    qtbot.waitExposed(view)
    heard: list[list[str]] = []
    view.notices_read.connect(heard.append)
    view.show_home(learner_name="Ana Ruiz", home=_home(["a", "b", "c", "d"]), skill_titles={})
    qtbot.waitUntil(lambda: heard != [], timeout=WAIT)
    assert heard == [["a"]]  # the others are below the fold, never on screen
    assert not view.notice_on_screen(view.notice_cards[3])

    view.ensureWidgetVisible(view.notice_cards[3], 0, 0)  # scrolled down to the last
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=WAIT)
    assert "d" in heard[1]
    assert "a" not in heard[1]  # said once per showing

    # A notice that leaves the screen before its time is up is not read.
    view.show_home(learner_name="Ana Ruiz", home=_home(["e"]), skill_titles={})
    qtbot.wait(DWELL_MS // 4)
    view.hide()
    qtbot.wait(DWELL_MS + 500)
    assert len(heard) == 2
