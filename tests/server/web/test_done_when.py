"""Issue 14's "Done when", tried as a new teacher would: a class of 25 stations, one teacher
on the board in a real browser (headless chromium), the real server on loopback.

Lab 9 is a real station (a provisioned store, the exam desk the screens drive, the live
channel the live worker runs); the other 24 are simulated stations with real keys posting
signed live reports. The teacher (1) finds who is waiting and unlocks them remotely,
(2) extends one learner's time, (3) extends the whole class, (4) reads the item statistics,
(5) exports the results CSV and opens it, and (6) posts an announcement that Lab 9 pulls
and shows on Ana's home. Each step's page is saved at phone width and 1280 px
(``MCDESK_SCREENSHOTS=docs/screenshots`` keeps them as ``trc-walk-*.png``).
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from sqlmodel import Session

from mcdesk.exam.remote import Ack
from mcdesk.keys import read_private_key
from mcdesk.protocol.commands import ProctorCommand
from mcdesk.server.models import Learner, SchoolClass
from mcdesk.server.roster import import_roster_csv
from mcdesk.store.connection import opened
from mcdesk.study.home import learner_home
from mcdesk.sync.apply_announcements import apply_announcements
from mcdesk.sync.live_report import Activity
from mcdesk.sync.pull import pull_streams
from mcdesk.sync.wallet import read_wallet
from mcdesk.ui.home_view import HomeView
from tests.server.badging import right_answer
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser
from tests.server.web.livelab import PACK, LiveStation, sit_down
from tests.server.web.simlab import SimStation, learners_of, report, sim_stations
from tests.ui.conftest import themed  # noqa: F401  (a fixture: the app's look for the home)

WAIT_S = 30  # a bound for a stuck page, not a speed requirement (bench/board.py times it)
HEARTBEAT_S = 2.0  # the simulated stations report this often (stations: 1 s in an attempt)
CLASS = "Welding 1"
# 23 more learners: with Ana Ruiz and Ben Ode, a class of 25.
MORE = [f"{first} {last}" for first, last in zip(
    ["Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Max", "Nia",
     "Omar", "Pia", "Quin", "Rosa", "Sam", "Tess", "Uri", "Vera", "Wes", "Xia", "Yara"],
    ["Singh", "Patel", "Moss", "Chen", "Ahn", "Berg", "Cruz", "Diaz", "Eke", "Fox", "Gray",
     "Hale", "Ito", "Jung", "Kerr", "Lund", "Mora", "Nagy", "Ortiz", "Park", "Quay", "Reed",
     "Sato"],
    strict=True,
)]  # fmt: skip
FORMULA = '=HYPERLINK("http://example.invalid","Ben")'  # a name a spreadsheet would run
NOTICE = "Safety glasses on before the bench test. Bring your logbook."


def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


@dataclass
class Lab25:
    """The 24 simulated stations, reporting every 2 s on a thread of their own (as a lab's
    stations do whatever the teacher is doing); a command is acknowledged in the next report."""

    stations: list[SimStation]
    reports: list[dict[str, Any]]
    class_id: str
    ben_id: str
    received: dict[str, list[ProctorCommand]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        acks: dict[str, list[dict[str, object]]] = {s.name: [] for s in self.stations}
        while not self._stop.is_set():
            for station, sent in zip(self.stations, self.reports, strict=True):
                exchange = station.link.exchange(sent | {"acks": acks[station.name]})
                for command in exchange.commands:  # applied as a station would: time added
                    if command.action == "extend" and sent["attempt"] is not None:
                        sent["attempt"]["remaining_s"] += command.minutes * 60
                acks[station.name] = [
                    Ack(c.command_id, True, "").document() for c in exchange.commands
                ]
                with self._lock:
                    self.received.setdefault(station.name, []).extend(exchange.commands)
            self._stop.wait(HEARTBEAT_S)

    def commands(self) -> dict[str, list[ProctorCommand]]:
        with self._lock:
            return {name: list(found) for name, found in self.received.items()}

    def stop(self) -> None:
        self._stop.set()


def tile(browser: TeacherBrowser, station_id: str) -> WebElement:
    return browser.driver.find_element(
        By.CSS_SELECTOR, f'section.tile[data-station="{station_id}"]'
    )


def tile_says(browser: TeacherBrowser, station_id: str, words: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return words in tile(browser, station_id).text
        except Exception:  # the tiles were just replaced by board.js: look again
            return False

    return check


def press(browser: TeacherBrowser, station_id: str, label: str) -> None:
    """Press a button on a station's tile (a form post: the board comes back)."""
    button = tile(browser, station_id).find_element(
        By.XPATH, f".//button[normalize-space()='{label}']"
    )
    browser.click_and_wait(button)
    # The board comes back at the tile acted on, wherever the sort put it.
    assert browser.driver.current_url.endswith(f"#tile-{station_id}")
    assert browser.driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight;",
        tile(browser, station_id),
    )


def answer_all(station: LiveStation, *, right: bool) -> None:
    bank = station.desk._bank  # the bank the desk opened in memory, to answer as a learner
    for shown in station.desk.engine.form["items"]:
        item = bank[shown["id"]]
        station.desk.answer(item_id=shown["id"], response=right_answer(item) if right else "no")


def download(browser: TeacherBrowser, link: WebElement, folder: Path) -> Path:
    """Click a download link; the file chromium saved, once whole."""
    folder.mkdir(parents=True, exist_ok=True)
    browser.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    link.click()
    until(
        lambda: any(folder.glob("*.csv")) and not any(folder.glob("*.crdownload")),
        "the CSV is downloaded",
    )
    (saved,) = folder.glob("*.csv")
    return saved


@pytest.fixture
def lab25(trc: TrcServer, station: LiveStation) -> Iterator[Lab25]:
    """24 more stations of the school, with the class grown to 25 learners."""
    engine = trc.server.engine
    with Session(engine) as session:
        ana = session.get(Learner, station.lab.learner_id)
        assert ana is not None
        welding = session.get(SchoolClass, ana.class_id)
        assert welding is not None
        school_id = welding.school_id
        rows = "".join(f"{CLASS},{name},W-{n}," + "\n" for n, name in enumerate(MORE, 1))
        import_roster_csv(
            session, school_id=school_id, text="class,learner,external_id,pin\n" + rows
        )
        session.commit()
        class_id = welding.id
    people = [p for p in learners_of(engine, class_id) if p[0] != station.lab.learner_id]
    assert len(people) == 24  # Ben and the 23: Ana sits at Lab 9
    stations = sim_stations(engine, trc.base_url, school_id=school_id, count=24)
    reports = []
    for n, person in enumerate(people):
        if person[1] == "Ben Ode":
            reports.append(report(person, studying="Reading a tape measure"))
        elif n % 6 == 5:
            reports.append(report(person, studying="Squares and levels"))
        else:  # in the assessment, with a spread of time left and answers
            reports.append(report(person, remaining_s=300 + 60 * n, answered=n % 12, total=12))
    ben_id = next(i for i, name in people if name == "Ben Ode")
    lab = Lab25(stations, reports, class_id, ben_id)
    worker = threading.Thread(target=lab.run, name="lab25", daemon=True)
    worker.start()
    yield lab
    lab.stop()
    worker.join(timeout=WAIT_S)
    for station in stations:
        station.link.close()


@pytest.mark.usefixtures("themed")
def test_done_when_one_teacher_runs_a_class_of_25_from_the_board(
    browser: TeacherBrowser,
    trc: TrcServer,
    station: LiveStation,
    lab25: Lab25,
    tmp_path: Path,
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Ana's station restarted mid-attempt: it waits for a teacher's code to resume.
    sit_down(station)
    attempt_id = station.crash()
    station.activity = replace(station.activity, attempt_id=attempt_id, waiting="resume")
    station.report()
    lab_id = station.station_id

    # 1. Find who is waiting, and unlock them from the board.
    browser.sign_in()
    assert browser.path == "/teacher/board"
    until(lambda: len(browser.driver.find_elements(By.CSS_SELECTOR, "#tiles .tile")) == 25,
          "25 tiles")  # fmt: skip
    first = browser.driver.find_element(By.CSS_SELECTOR, "#tiles .tile")
    assert first.find_element(By.TAG_NAME, "h2").text == "Lab 9"  # the one waiting, first
    assert "Waiting for code #2 to resume" in first.text
    assert "Ana Ruiz" in first.text
    browser.screenshot("trc-walk-1-waiting")
    press(browser, lab_id, "Unlock")
    (ack,) = station.apply(station.report())  # the station's next report brings the command
    assert ack.ok, ack.message
    assert station.desk.engine.state == "running"  # resumed through the typed-code path
    station.activity = replace(station.activity, waiting=None)
    station.report()  # carries the ack
    until(tile_says(browser, lab_id, "Unlock: done on the station"), "the unlock is done")
    assert len(station.events("proctor_command")) == 1  # the exam log records the command
    browser.screenshot("trc-walk-1-unlocked")

    # 2. Extend one learner's time: +5 min on Ana's tile.
    before = station.desk.engine.remaining_s()
    press(browser, lab_id, "+5 min")
    (ack,) = station.apply(station.report())
    assert ack.ok, ack.message
    assert station.desk.engine.remaining_s() >= before + 5 * 60 - 5
    station.report()
    until(tile_says(browser, lab_id, "Add time: done on the station"), "the extension is done")
    browser.screenshot("trc-walk-2-extend-one")

    # 3. Extend the whole class by 10 minutes, from the class's board.
    browser.follow(CLASS)
    minutes = browser.driver.find_element(By.ID, "extend-all-minutes")
    minutes.clear()
    minutes.send_keys("10")
    before = station.desk.engine.remaining_s()
    browser.click_and_wait(
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Extend all']")
    )
    (ack,) = station.apply(station.report())
    assert ack.ok, ack.message
    assert station.desk.engine.remaining_s() >= before + 10 * 60 - 5
    station.report()
    in_test = [s.name for s, r in zip(lab25.stations, lab25.reports, strict=True) if r["attempt"]]
    assert len(in_test) >= 15

    def every_sitting_station_got_ten_minutes() -> bool:
        got = lab25.commands()
        return all(
            any(c.action == "extend" and c.minutes == 10 for c in got.get(name, []))
            for name in in_test
        )

    until(every_sitting_station_got_ten_minutes, "each station in the assessment got +10 min")
    studying = [
        s.name for s, r in zip(lab25.stations, lab25.reports, strict=True) if not r["attempt"]
    ]
    assert all(not lab25.commands().get(name) for name in studying)  # nobody else
    until(tile_says(browser, lab_id, "Add time: done on the station"), "Lab 9 says done")
    until(tile_says(browser, lab25.stations[1].link.station_id, "16:00 left"), "6:00 + 10 min")
    sitting_ids = [
        s.link.station_id
        for s, r in zip(lab25.stations, lab25.reports, strict=True)
        if r["attempt"]
    ]
    until(
        lambda: all(tile_says(browser, i, "Add time: done on the station")() for i in sitting_ids),
        "every tile in the assessment says the time was added",
    )
    browser.screenshot("trc-walk-3-extend-class")

    # Ana finishes (every answer right); Ben sits down at Lab 9 after her (none right).
    answer_all(station, right=True)
    assert station.desk.submit().passed
    ben_id = lab25.ben_id
    counter = station.desk.next_counter()
    assert counter is not None
    started = station.desk.start(learner_id=ben_id, pack_id=PACK, code=station.code(counter))
    assert started.ok, started.message
    assert started.sitting is not None
    station.activity = Activity(
        learner_id=ben_id, learner_name="Ben Ode", doing="assessment", title="Sample",
        attempt_id=started.sitting.attempt_id,
    )  # fmt: skip
    answer_all(station, right=False)
    assert not station.desk.submit().passed
    station.lab.carry(capsys)  # the station's results reach the server (USB stick)

    with Session(trc.server.engine) as session:  # Ben's name as a spreadsheet formula
        ben = session.get(Learner, ben_id)
        assert ben is not None
        ben.display_name = FORMULA
        session.add(ben)
        session.commit()

    # 4. Read the item statistics: My classes → Welding 1 → Results → the assessment.
    browser.follow("My classes")
    browser.follow(CLASS)
    browser.follow("Results")
    browser.follow("Sample Pack")
    browser.driver.find_element(By.LINK_TEXT, "Questions, hardest first").click()  # on the page
    until(lambda: browser.driver.current_url.endswith("#questions"), "the jump to the questions")
    text = browser.text()
    assert "Questions, hardest first" in text
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "table.items tbody tr")
    assert len(rows) >= 2
    facilities = [float(r.find_elements(By.CSS_SELECTOR, "td.num")[0].text) for r in rows]
    assert facilities == sorted(facilities)  # the most difficult first
    # Ana had each of hers right, Ben each of his wrong; forms differ, so a question both
    # saw has 0.5, one only Ben saw 0, one only Ana saw 1.
    assert set(facilities) <= {0.0, 0.5, 1.0}
    assert FORMULA in text  # shown as text
    browser.screenshot("trc-walk-4-item-statistics")

    # 5. Export the CSV and open it (back at the top of the page, where its button is).
    browser.driver.execute_script("history.replaceState(null, '', location.pathname)")
    browser.driver.execute_script("window.scrollTo(0, 0)")
    link = browser.driver.find_element(By.LINK_TEXT, "Download results (CSV)")
    saved = download(browser, link, tmp_path / "downloads")
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets read it as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, *lines = table
    assert header[0].lower().startswith("learner")
    assert len(lines) == 2
    by_name = {line[0]: line for line in lines}
    assert "'" + FORMULA in by_name  # neutralised: a spreadsheet shows it, never runs it
    assert "Ana Ruiz" in by_name
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in table for cell in line)
    for line in lines:
        dates = [cell for cell in line if cell[:4].isdigit() and cell[4:5] == "-"]
        assert dates, line
        datetime.fromisoformat(dates[0])  # ISO dates
    browser.screenshot("trc-walk-5-export")

    # 6. Post an announcement; Lab 9 pulls it, and Ana's home shows it.
    browser.follow("My classes")
    browser.follow(CLASS)
    browser.follow("Announcements")
    due = (datetime.now(UTC) + timedelta(days=2)).date()
    browser.driver.find_element(By.ID, "text").send_keys(NOTICE)
    browser.driver.execute_script(
        "document.getElementById('due_on').value = arguments[0]", due.isoformat()
    )
    browser.click_and_wait(
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Post to the class']")
    )
    assert NOTICE in browser.text()
    browser.screenshot("trc-walk-6-announcement")

    pulled = pull_streams(
        database=station.database,
        station_key=read_private_key(station.lab.home.station_key),
        station_id=lab_id,
        server_url=trc.base_url,
        server_public_key=station.lab.server_key(),
        appliers={"announcements": apply_announcements},
    )
    assert pulled.items["announcements"] == 1
    with opened(station.database, read_only=True) as connection:
        ana_home = learner_home(
            connection, learner_id=station.lab.learner_id, now=datetime.now(UTC)
        )
    wallet = read_wallet(
        station.database,
        learner_id=station.lab.learner_id,
        now=datetime.now(UTC),
        settings_url=None,
    )
    view = HomeView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show_home(learner_name="Ana Ruiz", home=ana_home, skill_titles={}, wallet=wallet)
    view.show()
    qtbot.waitExposed(view)
    (card,) = view.notice_cards
    shown = [label.text() for label in card.findChildren(QLabel)]
    assert NOTICE in shown
    today = datetime.now(UTC).date()
    words = f"Due {due.day} {due:%B}" + ("" if due.year == today.year else f" {due.year}")
    assert words in shown  # "Due 9 December", as the close dates beside it say theirs
    assert card.accessibleName() == f"Announcement from your teacher: {NOTICE}. {words}."
    browser.shots.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(browser.shots / "trc-walk-6-station-home.png"))
