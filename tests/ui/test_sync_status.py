"""The status-bar sync indicator: words, symbol, tooltip, Sync now, the download bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.paths import Paths
from mcdesk.sync.status import SyncStatus
from mcdesk.ui.sync_status import SyncStatusView
from mcdesk.ui.sync_worker import SyncSnapshot
from mcdesk.ui.theme import HIGH_CONTRAST, LIGHT, apply_theme
from tests.conftest import NOW
from tests.ui.conftest import Launched

SERVER = "https://sync.example"


def status(**changes: object) -> SyncStatus:
    base: dict[str, object] = {
        "enrolled_url": SERVER,
        "last_success_at": NOW,
        "last_attempt_at": NOW,
        "last_error": None,
        "events_waiting": 0,
        "server_url": SERVER,
    }
    return SyncStatus(**{**base, **changes})  # type: ignore[arg-type]


class Clock:
    def __init__(self) -> None:
        self.now = NOW + timedelta(minutes=2)

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def make_view(qtbot: QtBot, clock: Clock) -> SyncStatusView:
    view = SyncStatusView(now=clock)
    qtbot.addWidget(view)
    view.show()
    return view


def test_a_station_without_a_server_says_so_and_offers_no_button(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = make_view(qtbot, Clock())
    assert view.text.text() == "Checking sync…"
    view.show_snapshot(SyncSnapshot(status=status(enrolled_url=None, server_url=None)))
    assert (view.mark.text(), view.text.text()) == ("○", "Not connected to a school server")
    assert view.button.isHidden()
    assert view.toolTip().startswith("Not connected to a school server: results and progress")


def test_synced_and_failing_read_plainly_and_the_countdown_moves(
    qtbot: QtBot, themed: QApplication
) -> None:
    clock = Clock()
    view = make_view(qtbot, clock)
    view.show_snapshot(SyncSnapshot(status=status(events_waiting=1)))
    assert (view.mark.text(), view.text.text()) == ("●", "Synced 2 min ago · 1 waiting")
    assert view.mark.objectName() == "good"
    assert view.button.isVisible()
    assert view.button.isEnabled()
    assert view.toolTip() == "Synced 2 min ago · 1 record waiting to send"

    failed = status(last_attempt_at=clock.now, last_error="server unreachable", events_waiting=12)
    view.show_snapshot(SyncSnapshot(status=failed, retry_at=clock.now + timedelta(seconds=40)))
    assert (view.mark.text(), view.mark.objectName()) == ("▲", "error")
    assert view.text.text() == "12 waiting · server unreachable, retrying in 40 s"
    assert "last tried just now: the server could not be reached" in view.toolTip()
    assert view.text.accessibleDescription() == view.toolTip()

    clock.now += timedelta(seconds=10)
    qtbot.waitUntil(lambda: view.text.text().endswith("retrying in 30 s"), timeout=3000)


def test_progress_shows_while_syncing_with_a_bar_only_for_course_content(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = make_view(qtbot, Clock())
    view.show_progress("push", 1, 2)  # no round running: a late word, ignored
    assert view.text.text() == "Checking sync…"

    view.show_snapshot(SyncSnapshot(status=status(events_waiting=12), syncing=True))
    assert (view.mark.text(), view.text.text()) == ("↻", "Syncing…")
    assert view.button.isEnabled()  # a press now asks for one more round; focus stays put
    view.show_progress("push", 3, 12)
    assert view.text.text() == "Sending 3 of 12 records…"
    assert view.bar.isHidden()

    view.show_progress("content", 3_200_000, 20_000_000, "pack cte-welding")
    assert view.text.text() == "Downloading course content: 3.2 of 20 MB"
    assert view.bar.isVisible()
    assert view.bar.value() == 160  # of 1000
    assert view.bar.accessibleDescription() == "Downloading course content: 3.2 of 20 MB"

    view.show_snapshot(SyncSnapshot(status=status()))
    assert view.bar.isHidden()
    assert view.text.text() == "Synced 2 min ago"


def test_sync_now_is_reachable_from_the_keyboard(qtbot: QtBot, themed: QApplication) -> None:
    view = make_view(qtbot, Clock())
    view.show_snapshot(SyncSnapshot(status=status()))
    assert view.button.accessibleName() == "Sync now"
    assert view.button.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.button.setFocus()
    with qtbot.waitSignal(view.sync_requested, timeout=1000):
        qtbot.keyClick(view.button, Qt.Key.Key_Space)


def test_high_contrast_and_large_text_reach_the_indicator(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = make_view(qtbot, Clock())
    failed = status(last_error="server unreachable", events_waiting=2)
    view.show_snapshot(SyncSnapshot(status=failed))
    assert view.mark.palette().color(view.mark.foregroundRole()).name() == LIGHT.bad
    normal = view.text.fontMetrics().height()

    apply_theme(themed, text_scale=200, high_contrast=True)
    qtbot.waitUntil(lambda: view.text.fontMetrics().height() > normal * 1.5, timeout=2000)
    assert view.mark.palette().color(view.mark.foregroundRole()).name() == HIGH_CONTRAST.bad

    view.resize(view.minimumSizeHint().width(), view.height())  # a cramped status bar
    qtbot.waitUntil(lambda: view.text.shown_text().endswith("…"), timeout=2000)
    assert view.text.text() == "2 waiting · server unreachable"


def test_the_app_shows_the_indicator_idle_and_stops_the_worker_on_close(
    start_app: Callable[..., Launched], bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    window = start_app().window
    qtbot.waitUntil(lambda: window.sync is not None, timeout=30_000)
    worker = window.sync
    assert worker is not None
    indicator = window.statusBar().findChild(SyncStatusView)
    assert indicator is not None
    qtbot.waitUntil(
        lambda: indicator.text.text() == "Not connected to a school server", timeout=10_000
    )
    assert worker.server_url is None  # a standalone demo never touches the network

    window.close()
    assert worker.wait(10_000)
    worker.sync_now()
    assert not worker.running


def test_a_plain_http_server_beyond_the_school_is_flagged_in_the_status_bar(
    qtbot: QtBot, themed: QApplication
) -> None:
    view = make_view(qtbot, Clock())
    plain = "http://sync.example.org"
    view.show_snapshot(SyncSnapshot(status=status(server_url=plain, enrolled_url=plain)))
    assert (view.mark.text(), view.mark.objectName()) == ("▲", "error")
    assert view.text.text() == "Synced 2 min ago · not encrypted"
    assert "Sync with sync.example.org is not encrypted (http://)" in view.toolTip()
