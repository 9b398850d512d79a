"""Start-up as a user meets it: first run, a damaged or newer store, refused packs, flags."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.content.build import build_pack
from mcdesk.keys import new_publisher
from mcdesk.paths import Paths
from mcdesk.ui.app import launch, main
from mcdesk.ui.lockdown import LockdownWindow
from tests.packsource import write_source
from tests.ui.catalog_source import PACKS
from tests.ui.conftest import Launched

StartApp = Callable[..., Launched]


def _ready(launched: Launched) -> bool:
    """Sign-in shows and set-up has finished (a first run paints sign-in before its
    bundled import; the study flow starts once that import is done)."""
    window = launched.window
    return window.pages.currentWidget() is window.signin_view and window.study is not None


def test_the_window_shows_at_once_then_the_first_run_fills_the_catalog(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    launched = start_app()
    window = launched.window
    assert window.isVisible()
    assert window.windowTitle() == "mcdesk"
    assert window.pages.currentWidget() is window.preparing
    assert "Preparing the catalog" in window.preparing_title.text()
    assert not home.database.exists()  # nothing touched the disk on the GUI thread yet

    qtbot.waitUntil(lambda: _ready(launched), timeout=30_000)
    assert window.signin_view.names.count() > 0  # the demo class, to sign in from
    assert len(window.catalog_view.cards) == len(PACKS)
    assert window.status_label.text() == f"Demo station · {len(PACKS)} micro-credentials"
    assert home.station_key.exists()
    with sqlite3.connect(home.database) as connection:
        assert connection.execute("SELECT count(*) FROM learner").fetchone()[0] > 0
        assert connection.execute("SELECT count(*) FROM pack").fetchone()[0] == len(PACKS)
    assert "PIN 1234" in launched.out.getvalue()  # the demo login hints
    assert launched.err.getvalue() == ""
    assert launched.exit_codes == []
    assert window.search_field.isEnabled()
    assert window.signin_view.filter.hasFocus()  # type your name straight away


def test_only_a_real_first_run_says_it_sets_the_station_up(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    first = start_app()
    qtbot.waitUntil(lambda: _ready(first), timeout=30_000)
    assert "first start sets up this station" in first.window.preparing_text.text()
    first.window.close()

    again = start_app()  # a restart, after a crash or not: the station is already set up
    said = [again.window.preparing_text.text()]
    qtbot.waitUntil(lambda: said.append(again.window.preparing_text.text()) or _ready(again))
    assert not any("first start" in text for text in said)


def test_a_damaged_database_is_moved_aside_with_a_warning_and_the_app_carries_on(
    start_app: StartApp,
    bundled: Path,
    home: Paths,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home.data_dir.mkdir(parents=True)
    home.database.write_bytes(b"this is not a database, it is a sandwich" * 100)
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "mcdesk.ui.alerts.show_warning",
        lambda parent, title, text: warnings.append((title, text)),
    )
    launched = start_app()
    qtbot.waitUntil(lambda: _ready(launched), timeout=30_000)

    assert len(warnings) == 1
    title, text = warnings[0]
    assert "damaged" in title
    moved = list(home.damaged_dir.iterdir())
    assert len(moved) == 1
    assert str(moved[0]) in text  # says where the file went
    assert "nothing was deleted" in text
    assert str(moved[0]) in launched.err.getvalue()
    assert len(launched.window.catalog_view.cards) == len(PACKS)  # on the fresh store


def test_a_database_from_a_newer_mcdesk_stops_with_a_clear_error(
    start_app: StartApp,
    bundled: Path,
    home: Paths,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home.data_dir.mkdir(parents=True)
    with sqlite3.connect(home.database) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999')")
    before = home.database.read_bytes()
    errors: list[str] = []

    def critical(parent: object, title: str, text: str, *, on_closed: Callable[[], None]) -> None:
        errors.append(text)
        on_closed()  # the user presses OK

    monkeypatch.setattr("mcdesk.ui.alerts.show_critical", critical)
    launched = start_app()
    qtbot.waitUntil(lambda: launched.exit_codes == [1], timeout=30_000)

    assert len(errors) == 1
    assert "newer version of mcdesk" in errors[0]
    assert "newer version of mcdesk" in launched.err.getvalue()
    assert "newer version" in launched.window.preparing_text.text()
    assert home.database.read_bytes() == before  # left alone


@pytest.fixture
def one_refused(
    test_catalog: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The test catalog with kitchen-prep signed by a publisher nobody trusts."""
    packs = tmp_path / "packs"
    shutil.copytree(test_catalog[0], packs)
    stranger = tmp_path / "stranger.key"
    new_publisher(stranger, name="Not Trusted")
    source = write_source(tmp_path / "src" / "kitchen-prep", pack_id="kitchen-prep")
    build_pack(
        source,
        packs / "kitchen-prep.mcpack",
        publisher_key=stranger,
        pack_key_file=tmp_path / "kitchen-prep.packkey.json",
    )
    monkeypatch.setattr("mcdesk.startup.bundled_catalog_dir", lambda: packs)
    monkeypatch.setattr("mcdesk.startup.bundled_publishers_dir", lambda: test_catalog[1])
    return packs


def test_bundled_packs_that_are_refused_are_reported_without_stopping_anyone(
    start_app: StartApp, one_refused: Path, qtbot: QtBot
) -> None:
    launched = start_app()
    qtbot.waitUntil(lambda: _ready(launched), timeout=30_000)

    window = launched.window
    assert len(window.catalog_view.cards) == len(PACKS) - 1
    assert window.notice_holder.isVisible()
    assert "kitchen-prep.mcpack" in window.notice_text.text()
    assert "kitchen-prep.mcpack" in launched.err.getvalue()
    window.dismiss_button.click()
    assert not window.notice_holder.isVisible()


def test_self_test_prints_the_count_and_exits_zero(
    home: Paths,
    bundled: Path,
    themed: QApplication,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--self-test"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"self-test ok: {len(PACKS)} micro-credentials\n"


def test_self_test_fails_when_a_bundled_pack_is_refused(
    start_app: StartApp, one_refused: Path, qtbot: QtBot
) -> None:
    launched = start_app(self_test=True)
    qtbot.waitUntil(lambda: launched.exit_codes == [1], timeout=30_000)
    assert "1 bundled pack(s) refused" in launched.err.getvalue()
    assert launched.out.getvalue() == ""


def test_self_test_fails_on_an_empty_catalog(
    home: Paths,
    tmp_path: Path,
    themed: QApplication,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "no-packs"
    empty.mkdir()
    monkeypatch.setattr("mcdesk.startup.bundled_catalog_dir", lambda: empty)
    assert main(["--self-test"]) == 1
    captured = capsys.readouterr()
    assert "self-test ok" not in captured.out
    assert "catalog is empty" in captured.err


def test_mcdesk_help_lists_the_lockdown_and_kiosk_modes() -> None:
    from mcdesk.cli.main import build_parser

    text = build_parser().format_help()
    assert "mcdesk --lockdown" in text
    assert "mcdesk --kiosk" in text


def test_lockdown_runs_the_whole_app_locked_until_a_teacher_closes_it(
    home: Paths, pool: QThreadPool, qtbot: QtBot, bundled: Path
) -> None:
    codes: list[int] = []
    window = launch(paths=home, pool=pool, finish=codes.append, out=None, err=None, lockdown=True)
    shell = window.lockdown_shell
    assert isinstance(shell, LockdownWindow)
    qtbot.addWidget(shell, before_close_func=lambda w: w.release())
    assert shell.locked
    assert shell.isFullScreen() or shell.geometry() == shell.screen().geometry()
    assert not shell.close()  # refused while locked
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=30_000)
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.teacher_page.close_button is not None, timeout=30_000)
    button = window.teacher_page.close_button
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert codes == [0]
    assert not shell.locked


FIRST_PAINT_CHECK = r"""
import io, sys, threading
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from mcdesk.paths import resolve_paths
from mcdesk.ui.app import launch

HEAVY = {"sqlalchemy", "sqlmodel", "alembic", "cryptography"}
on_gui_thread = set()

class Watch:  # the pool may import them meanwhile: only the GUI thread's imports count
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY and threading.current_thread() is threading.main_thread():
            on_gui_thread.add(name.split(".")[0])
        return None

sys.meta_path.insert(0, Watch())
app = QApplication([])
pool = QThreadPool()
window = launch(paths=resolve_paths(), pool=pool, finish=app.exit, out=None, err=None)
app.processEvents()  # the window is painted
print("heavy:", ",".join(sorted(on_gui_thread)))
pool.waitForDone()
"""


def test_the_first_paint_does_not_wait_for_the_database_libraries(home: Paths) -> None:
    env = {**os.environ, "MCDESK_HOME": str(home.data_dir.parent)}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_CHECK],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "heavy:"


def test_the_first_run_seals_the_exam_key_into_code_slots_after_the_catalog_shows(
    start_app: StartApp, bundled: Path, home: Paths, qtbot: QtBot
) -> None:
    launched = start_app()
    qtbot.waitUntil(lambda: _ready(launched), timeout=30_000)

    def slots() -> int:
        with sqlite3.connect(home.database) as connection:
            return int(connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])

    qtbot.waitUntil(lambda: slots() > 0, timeout=60_000)
    # The summary arrives on the GUI thread a moment after the slots are committed.
    qtbot.waitUntil(lambda: "exam codes" in launched.out.getvalue(), timeout=10_000)


def test_closing_while_a_teachers_codes_are_sealed_waits_for_them_then_deletes_cleanly(
    home: Paths, pool: QThreadPool, qtbot: QtBot, bundled: Path
) -> None:
    # Not given to qtbot: this test deletes the window itself, as the app's last act does.
    window = launch(paths=home, pool=pool, finish=lambda _code: None, out=None, err=None)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.signin_view, timeout=30_000)
    view = window.signin_view
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.user_name, "teacher")
    qtbot.keyClicks(view.password, "mcdesk-demo")
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    # The password is checked, then the page asks for the codes: sealing starts on the queue.
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.teacher_page, timeout=30_000)
    window.close()
    assert window.wait_for_background(60_000)
    destroyed: list[bool] = []
    window.destroyed.connect(lambda: destroyed.append(True))
    window.deleteLater()
    # Before the fix this deletion joined the queue while holding Python's lock: a hang.
    qtbot.waitUntil(lambda: bool(destroyed), timeout=10_000)


def test_no_thread_pool_is_a_child_of_the_window(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    # Qt deletes a window's children inside its event handling, with the GIL held when a
    # Python override called it (LockdownWindow.event); ~QThreadPool then waited for ever
    # for a running task that needed the GIL, and the UI tests hung.
    launched = start_app()
    window = launched.window
    qtbot.waitUntil(lambda: window.study is not None, timeout=30_000)
    assert window.findChildren(QThreadPool) == []


def test_a_pin_typed_before_the_study_core_is_loaded_is_held_and_signs_in(
    start_app: StartApp, bundled: Path, qtbot: QtBot
) -> None:
    launched = start_app()
    window = launched.window
    view = window.signin_view
    typed_without_a_flow: list[bool] = []

    def on_page(_index: int) -> None:
        # The sign-in page has just been shown: the study core loads only after its paint.
        if window.pages.currentWidget() is view and not typed_without_a_flow:
            typed_without_a_flow.append(window.study is None)
            rows = range(view.names.count())
            view.names.setCurrentRow(next(r for r in rows if view.names.item(r).flags()))
            view.pin.setText("1234")
            view.submit_learner()

    window.pages.currentChanged.connect(on_page)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=30_000)
    assert typed_without_a_flow == [True]
    assert window.user_label.text() != ""
