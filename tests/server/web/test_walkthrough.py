"""A teacher's walk through the Teacher Resource Center in a real browser, with screenshots."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from mcdesk.protocol.codes import code_for
from mcdesk.server.models import StationIssuer
from tests.server.pulling import enrolled_station
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import ADMIN_USER, PHONE, TeacherBrowser, set_up_trc_school


def test_sign_in_codes_my_classes_sign_out(
    browser: TeacherBrowser, trc: TrcServer, tmp_path: Path
) -> None:
    school = set_up_trc_school(trc.server.engine)
    lab = enrolled_station(trc.server, tmp_path, school_id=school.school_id)

    browser.open("/teacher")
    assert browser.heading() == "Sign in"
    browser.screenshot("trc-sign-in")

    browser.sign_in()
    assert browser.path == "/teacher/board"  # the live board is the first page
    browser.follow("Codes")
    assert "Ms Lee, Northside" in browser.text()
    with Session(trc.server.engine) as session:
        issuer = session.get(StationIssuer, lab.station_id)
        assert issuer is not None
        first = code_for(issuer.secret, station_id=lab.station_id, counter=1)
    assert f"#1 {first[:4]} {first[4:]}" in browser.text()
    browser.screenshot("trc-codes")

    browser.follow("My classes")
    assert browser.heading() == "My classes"
    shown = browser.text()
    assert "Welding 1" in shown
    assert "Ana Ruiz" in shown
    assert "Ben Ode" in shown
    assert "CNC" not in shown  # okafor's class
    assert "Chi Li" not in shown
    browser.screenshot("trc-my-classes")

    browser.follow("Welding 1")
    assert browser.path == f"/teacher/classes/{school.classes['Welding 1']}"
    assert "Ana Ruiz" in browser.text()
    browser.screenshot("trc-class")

    browser.sign_out()
    assert browser.path == "/teacher"
    assert "You are signed out." in browser.text()
    browser.open("/teacher/classes")
    assert browser.path == "/teacher"  # back to the sign-in form
    assert browser.heading() == "Sign in"


def test_an_administrator_sees_every_class_of_the_school(
    browser: TeacherBrowser, trc: TrcServer
) -> None:
    set_up_trc_school(trc.server.engine)
    browser.sign_in(ADMIN_USER)
    browser.follow("My classes")
    assert browser.heading() == "Classes of the school"
    shown = browser.text()
    for name in ("Welding 1", "CNC", "Ana Ruiz", "Chi Li", "Teacher: Okafor", "Teacher: Ms Lee"):
        assert name in shown
    assert "Head · administrator" in shown
    browser.screenshot("trc-school-classes")


def test_pages_fit_a_phone_without_sideways_scrolling(
    browser: TeacherBrowser, trc: TrcServer, tmp_path: Path
) -> None:
    school = set_up_trc_school(trc.server.engine)
    enrolled_station(trc.server, tmp_path, school_id=school.school_id)
    browser.sign_in()
    for path in ("/teacher/codes", "/teacher/classes"):
        browser.open(path)
        browser.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True},
        )
        assert browser.page_width() <= PHONE[0], path
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_walk_works_on_postgresql(pg_browser: TeacherBrowser, pg_trc: TrcServer) -> None:
    set_up_trc_school(pg_trc.server.engine)
    pg_browser.sign_in()
    assert pg_browser.path == "/teacher/board", pg_browser.text()
    pg_browser.follow("My classes")
    assert "Ana Ruiz" in pg_browser.text()
    pg_browser.sign_out()
    assert "You are signed out." in pg_browser.text()
