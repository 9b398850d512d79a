"""An announcement read on a real station reaches the teacher's pages through real sync
rounds: posted in chromium, pulled by the station, held on Ana's home in the real view,
recorded on the store's study path, pushed by `run_round`, counted once (again after the
station re-sends it), shown as "Read by 1 of 3" with who has not read it (a name that is
an attack shows as text) and on Ana's timeline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from mcdesk.keys import write_private_key
from mcdesk.server.announcement_reads import AnnouncementRead
from mcdesk.server.schools import find_learner
from mcdesk.store.connection import opened
from mcdesk.study.desk import StudyDesk
from mcdesk.study.home import learner_home
from mcdesk.sync.round import run_round
from mcdesk.ui.home_view import HomeView
from tests.server.pulling import enrolled_station
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser, set_up_trc_school

EVIL = "<script>window.__xss='reader'</script> Zed"
CSV = (
    "class,learner,external_id,pin\n"
    "Welding 1,Ana Ruiz,S-1,4821\n"
    "Welding 1,Ben Ode,S-2,139406\n"
    f"Welding 1,{EVIL},S-3,5521\n"
    "CNC,Chi Li,S-4,\n"
)
TEXT = "Quiz on tape measures Friday: bring your boots"


def test_a_read_on_the_station_shows_on_the_announcements_page_and_the_timeline(
    browser: TeacherBrowser, trc: TrcServer, tmp_path: Path, qtbot: QtBot
) -> None:
    school = set_up_trc_school(trc.server.engine, csv=CSV)
    welding = school.classes["Welding 1"]
    with Session(trc.server.engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        ).id
    browser.sign_in()
    browser.open(f"/teacher/classes/{welding}/announcements")
    browser.driver.find_element(By.ID, "text").send_keys(TEXT)
    browser.click_and_wait(
        browser.driver.find_element(By.XPATH, "//button[text()='Post to the class']")
    )
    assert "Read by 0 of 3" in browser.text()

    station = enrolled_station(trc.server, tmp_path, school_id=school.school_id)
    key_path = tmp_path / "station.ed25519"
    write_private_key(key_path, station.key)

    def sync() -> None:
        run_round(database=station.database, station_key_path=key_path, server_url=trc.base_url)

    sync()  # pulls the roster and the announcement
    with opened(station.database, read_only=True) as connection:
        home = learner_home(connection, learner_id=ana, now=datetime.now(UTC))
    assert [n.text for n in home.notices] == [TEXT]

    view = HomeView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.notices_read, timeout=10_000) as seen:
        view.show_home(learner_name="Ana Ruiz", home=home, skill_titles={})
    desk = StudyDesk(station.database)
    try:
        assert desk.record_announcements_read(ana, seen.args[0]) == [home.notices[0].id]
    finally:
        desk.close()
    sync()  # pushes the read

    def counted() -> list[tuple[str, str]]:
        with Session(trc.server.engine) as session:
            rows = session.exec(
                select(AnnouncementRead.announcement_id, AnnouncementRead.learner_id)
            )
            return list(rows.all())

    assert counted() == [(home.notices[0].id, ana)]
    with opened(station.database) as connection:  # receipts lost: the station sends it again
        connection.execute("DELETE FROM receipt")
    sync()
    assert counted() == [(home.notices[0].id, ana)]

    # The address names the announcement: the screenshots show it at phone width too.
    browser.open(f"/teacher/classes/{welding}/announcements#announcement-{home.notices[0].id}")
    assert "Read by 1 of 3" in browser.text()
    browser.driver.find_element(By.CSS_SELECTOR, "details.not-read summary").click()
    shown = browser.text()
    assert "Not read yet (2)" in shown
    assert "Ben Ode" in shown
    assert EVIL in shown  # as text
    assert "Ana Ruiz" not in shown.split("Not read yet")[1]
    assert browser.driver.execute_script("return window.__xss === undefined")
    assert browser.page_width() <= 1280
    browser.screenshot("trc-announcements-read")
    browser.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    assert browser.page_width() <= 390  # nothing scrolls sideways on a phone
    browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    browser.open(f"/teacher/classes/{welding}/learners/{ana}/timeline")
    timeline = browser.text()
    assert f"Announcement read {TEXT}" in timeline
    assert "do not report" not in timeline
    browser.screenshot("trc-timeline-read")
