"""The Teacher Resource Center's test harness: a school, a movable clock, a real browser.

``TeacherBrowser`` drives headless Debian chromium through selenium (/usr/bin/chromedriver):
open a page, sign in and out, read the page's text, take screenshots at phone width
(390×844) and at 1280×800. Later pages' tests use the same fixtures (tests/server/web/conftest.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Engine
from sqlmodel import Session, select

from mcdesk.server.models import SchoolClass
from mcdesk.server.schools import add_teacher, set_class_teacher
from tests.server.conftest import RunningServer
from tests.server.pulling import ROSTER_CSV, TEACHER_PASSWORD, TEACHER_USER, set_up_school

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
NAVIGATION_WAIT = 60  # seconds; a bound for a stuck page, not a speed requirement
PHONE = (390, 844)
NARROW = (360, 740)  # the narrowest phone a teacher is likely to hold
WHOLE_MAX = 4000  # px: the longest whole-page screenshot
DESKTOP = (1280, 800)
SCREENSHOTS_ENV = "MCDESK_SCREENSHOTS"  # a folder: `make screenshots` sets docs/screenshots

OTHER_USER = "okafor"
ADMIN_USER = "head"
PASSWORD = TEACHER_PASSWORD  # every teacher of the test school has it


@dataclass
class MovableClock:
    """The server's clock in tests: it starts at the real time, then moves only when the
    test says so. Badges are issued at the real time, so a badge test calls ``catch_up``
    before the verify page reads one (a clock behind the issue time says "not valid until")."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def catch_up(self) -> None:
        """Move to the real time (after something was made at the real time: a badge)."""
        self.now = max(self.now, datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class TrcServer:
    """A running server (tests/server/web/conftest.py serves it) and its movable clock."""

    server: RunningServer
    clock: MovableClock

    @property
    def base_url(self) -> str:
        return self.server.base_url


@dataclass(frozen=True, slots=True)
class School:
    """Northside: mlee teaches Welding 1, okafor teaches CNC, head administers the school."""

    school_id: str
    classes: dict[str, str]  # class name -> id
    learners: dict[str, list[str]]  # class name -> learner names


def set_up_trc_school(engine: Engine, *, csv: str | None = None, name: str = "Northside") -> School:
    """The shared test school, made through the admin functions (as `mcdesk admin` does)."""
    setup = (
        set_up_school(engine, name=name)
        if csv is None
        else set_up_school(engine, name=name, csv=csv)
    )
    now = datetime.now(UTC)
    with Session(engine) as session:
        for username, role in ((OTHER_USER, "teacher"), (ADMIN_USER, "admin")):
            add_teacher(
                session,
                school_id=setup.school_id,
                username=username,
                display_name=username.title(),
                password=PASSWORD,
                now=now,
                role=role,
            )
        classes = {c.name: c.id for c in session.exec(select(SchoolClass)).all()}
        second = sorted(classes)[0]  # "CNC" in the default roster
        set_class_teacher(
            session, school_id=setup.school_id, class_name=second, username=OTHER_USER, now=now
        )
    learners: dict[str, list[str]] = {}
    for line in (csv or ROSTER_CSV).splitlines()[1:]:
        cells = line.split(",")
        learners.setdefault(cells[0], []).append(cells[1])
    return School(school_id=setup.school_id, classes=classes, learners=learners)


def new_chromium() -> webdriver.Chrome:
    """Headless Debian chromium; no download, no sandbox (tests run as root in CI)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@dataclass
class TeacherBrowser:
    """One browser on the Teacher Resource Center of one running server."""

    driver: webdriver.Chrome
    base_url: str
    shots: Path

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        url: str = self.driver.current_url
        return url.removeprefix(self.base_url).split("?")[0]

    def text(self) -> str:
        """What the page shows, as a person reads it."""
        text: str = self.driver.find_element(By.TAG_NAME, "body").text
        return text

    def heading(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "h1").text)

    def sign_in(self, username: str = TEACHER_USER, password: str = PASSWORD) -> None:
        """Type the name and password into the sign-in form and press Sign in."""
        self.open("/teacher")
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, "form.card button"))

    def sign_out(self) -> None:
        self.click_and_wait(self.driver.find_element(By.CSS_SELECTOR, "form.signout button"))

    def follow(self, link_text: str) -> None:
        self.click_and_wait(self.driver.find_element(By.LINK_TEXT, link_text))

    def click_and_wait(self, element: WebElement) -> None:
        """Click, then wait until the next page has replaced this one (a click does not)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.driver, NAVIGATION_WAIT).until(staleness_of(page))

    def cookie(self, name: str) -> str | None:
        found = self.driver.get_cookie(name)
        return None if found is None else str(found["value"])

    def screenshot(
        self, name: str, *, phones: tuple[tuple[int, int], ...] = (PHONE,), whole: bool = False
    ) -> list[Path]:
        """The page at phone width and at 1280 px: ``<name>-phone.png`` (390 px wide; another
        phone's width is ``<name>-<width>.png``) and ``<name>.png``; ``whole``: the page's
        whole length at a phone's width, not just the first screen."""
        self.shots.mkdir(parents=True, exist_ok=True)
        saved = []
        sizes = [(size, "-phone" if size == PHONE else f"-{size[0]}", True) for size in phones]
        for (width, height), suffix, mobile in [*sizes, (DESKTOP, "", False)]:
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            )
            if whole and mobile:
                length = self.driver.execute_script("return document.documentElement.scrollHeight")
                self.driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": min(int(length), WHOLE_MAX), "deviceScaleFactor": 1,
                     "mobile": True},
                )  # fmt: skip
            # A new viewport loses the scroll: back to the element the address points at.
            self.driver.execute_script(
                "var t = location.hash && document.getElementById(location.hash.slice(1));"
                "if (t) { t.scrollIntoView({block: 'center'}); }"
            )
            target = self.shots / f"{name}{suffix}.png"
            assert self.driver.save_screenshot(str(target)), f"no screenshot of {name}"
            saved.append(target)
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return saved

    def page_width(self) -> int:
        """The page's scroll width: wider than the viewport means sideways scrolling."""
        return int(self.driver.execute_script("return document.documentElement.scrollWidth"))


def screenshots_folder(default: Path) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    return Path(chosen) if chosen else default
