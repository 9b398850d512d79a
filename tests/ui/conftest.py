"""UI fixtures: a test bundled catalog, a thread pool that is drained, the app's theme."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.paths import Paths
from mcdesk.ui.app import launch
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.pyside_imports import skip_source_scans
from mcdesk.ui.theme import apply_theme
from tests.ui.catalog_source import build_test_catalog


@pytest.fixture(scope="session", autouse=True)
def no_pyside_source_scans() -> None:
    """As the app does (mcdesk/ui/pyside_imports.py): without it, a module imported late in
    a run (hypothesis, at the session's end) could meet its own half-initialised module."""
    skip_source_scans()


@pytest.fixture(scope="session")
def test_catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Four signed packs in three career clusters: (packs dir, publishers dir)."""
    return build_test_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture
def bundled(test_catalog: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test catalog stands in for the one shipped with the app; returns its packs dir."""
    packs, publishers = test_catalog
    # startup.py imported these names, so they are replaced where they are looked up.
    monkeypatch.setattr("mcdesk.startup.bundled_catalog_dir", lambda: packs)
    monkeypatch.setattr("mcdesk.startup.bundled_publishers_dir", lambda: publishers)
    # The test catalog's pack keys, sealed at first run like the demo's.
    monkeypatch.setattr("mcdesk.startup.bundled_pack_keys_dir", lambda: packs.parent / "keys")
    return packs


@pytest.fixture
def pool(qtbot: QtBot) -> Iterator[QThreadPool]:
    """A pool drained before the test's widgets are closed: no thread outlives a test."""
    pool = QThreadPool()
    yield pool
    assert pool.waitForDone(30_000), "a background task did not finish"
    pool.clear()


@pytest.fixture(autouse=True)
def _background_joined(qapp: QApplication) -> Iterator[None]:
    """After each test, every app window's own pools are drained before Qt deletes it.

    A window left for deletion later takes its study queue with it; deleting a pool whose
    task still runs Python (a teacher's codes being sealed) hangs for good, in whichever
    later test the deletion happens to run.
    """
    yield
    for top in qapp.topLevelWidgets():
        windows = [top] if isinstance(top, MainWindow) else top.findChildren(MainWindow)
        for window in windows:
            assert window.wait_for_background(30_000), "a window's task did not finish"


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The app's look for this test only (other tests keep Qt's defaults)."""
    style, palette, font, sheet = (
        qapp.style().name(),
        qapp.palette(),
        qapp.font(),
        qapp.styleSheet(),
    )
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


@dataclass
class Launched:
    """A started app: its window, what it printed, and the exit codes it asked for."""

    window: MainWindow
    out: io.StringIO
    err: io.StringIO
    exit_codes: list[int] = field(default_factory=list)


@pytest.fixture
def start_app(
    home: Paths, pool: QThreadPool, qtbot: QtBot, themed: QApplication
) -> Callable[..., Launched]:
    """Call to launch the app as ``mcdesk`` would, on the test's MCDESK_HOME."""

    def start(*, self_test: bool = False) -> Launched:
        out, err = io.StringIO(), io.StringIO()
        codes: list[int] = []
        window = launch(
            paths=home,
            pool=pool,
            finish=codes.append,
            out=out,
            err=err,
            self_test=self_test,
        )
        qtbot.addWidget(window)
        return Launched(window=window, out=out, err=err, exit_codes=codes)

    return start
