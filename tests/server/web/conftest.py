"""Fixtures for the Teacher Resource Center: a real server on loopback and a real browser.

``trc`` serves a fresh SQLite database with a movable clock; ``pg_trc`` the same on the
throwaway PostgreSQL cluster; ``each_trc`` is each of the two in turn. ``browser`` is a
headless chromium on ``trc``. ``station`` is Lab 9, a real station on the board's live
channel (livelab.py); ``graded`` a class with Ana's and Ben's re-scored results
(reports_lab.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from mcdesk.server.config import ServerSettings
from mcdesk.server.db import make_engine
from tests.server.conftest import RunningServer, serving
from tests.server.postgres import create_database
from tests.server.web.harness import (
    MovableClock,
    TeacherBrowser,
    TrcServer,
    new_chromium,
    screenshots_folder,
)
from tests.server.web.livelab import (  # noqa: F401  (lab_kit, station: fixtures)
    LabKit,
    lab_kit_fixture,
    station_fixture,
)
from tests.server.web.reports_lab import GradedClass, graded_class


def _served(database_url: str) -> Iterator[TrcServer]:
    clock = MovableClock()
    engine = make_engine(database_url)
    try:
        with serving(ServerSettings(database_url=database_url), clock=clock) as base_url:
            yield TrcServer(RunningServer(base_url=base_url, engine=engine), clock)
    finally:
        engine.dispose()


@pytest.fixture
def trc(tmp_path: Path) -> Iterator[TrcServer]:
    """The server on a fresh SQLite file (one school runs it like this)."""
    yield from _served(f"sqlite:///{tmp_path / 'server.sqlite3'}")


@pytest.fixture
def pg_trc(postgres_port: int) -> Iterator[TrcServer]:
    """The server on a fresh PostgreSQL database (a district runs it like this)."""
    yield from _served(create_database(postgres_port, f"t_{uuid.uuid4().hex}"))


@pytest.fixture(params=["sqlite", "postgresql"])
def each_trc(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TrcServer]:
    """The server on each database in turn: a module that reads like the other server tests
    overrides ``trc`` with this one."""
    if request.param == "sqlite":
        yield from _served(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    else:
        port: int = request.getfixturevalue("postgres_port")
        yield from _served(create_database(port, f"t_{uuid.uuid4().hex}"))


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """One headless chromium for the run; each test starts with no cookies."""
    driver = new_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _fresh(driver: webdriver.Chrome, base_url: str) -> None:
    # Cookies are kept per host, not per port: the last test's would reach this server.
    driver.get(base_url + "/health")
    driver.delete_all_cookies()


@pytest.fixture
def browser(chromium: webdriver.Chrome, trc: TrcServer, tmp_path: Path) -> TeacherBrowser:
    _fresh(chromium, trc.base_url)
    return TeacherBrowser(chromium, trc.base_url, screenshots_folder(tmp_path / "screenshots"))


@pytest.fixture
def pg_browser(chromium: webdriver.Chrome, pg_trc: TrcServer, tmp_path: Path) -> TeacherBrowser:
    _fresh(chromium, pg_trc.base_url)
    return TeacherBrowser(chromium, pg_trc.base_url, screenshots_folder(tmp_path / "screenshots"))


@pytest.fixture
def graded(trc: TrcServer, lab_kit: LabKit) -> GradedClass:
    """Ana (every answer right) and Ben (none) took the sample assessment on Lab 9."""
    return graded_class(trc, lab_kit)
