"""The Results, Progress and class-report pages in a real browser: names shown as text,
never run (learner, class, school), and screenshots at phone width and 1280 px."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from mcdesk.server.models import Learner, School, SchoolClass
from mcdesk.server.web.progress import progress_grid
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser
from tests.server.web.reports_lab import GradedClass
from tests.server.web.test_progress import study_on_the_station

CLASS = "<img src=x onerror=window.__xss='class'>"
SCHOOL = "<script>window.__xss='school'</script> High"
LEARNERS = {
    "Ana Ruiz": "<script>window.__xss='learner'</script>",
    "Ben Ode": "<svg onload=window.__xss='svg'>",
}


def pages(graded: GradedClass) -> dict[str, str]:
    base = f"/teacher/classes/{graded.welding_id}"
    return {
        "trc-results": f"{base}/results",
        "trc-assessment": f"{base}/results/sample-pack",
        "trc-progress": f"{base}/progress/sample-pack",
        "trc-progress-review": f"{base}/progress/sample-pack?show=review",
        "trc-timeline": f"{base}/learners/{graded.lab.learner_id}/timeline",
        "trc-report": f"{base}/report",
    }


def test_every_name_on_the_report_pages_is_text(
    browser: TeacherBrowser, trc: TrcServer, graded: GradedClass
) -> None:
    with Session(trc.server.engine) as session:
        for row in session.exec(select(Learner)).all():
            if row.display_name in LEARNERS:
                row.display_name = LEARNERS[row.display_name]
                session.add(row)
        welding = session.get(SchoolClass, graded.welding_id)
        school = session.get(School, graded.school_id)
        assert welding is not None
        assert school is not None
        welding.name, school.name = CLASS, SCHOOL
        session.add_all([welding, school])
        session.commit()
    browser.sign_in()
    expected = {
        "trc-results": [CLASS],
        "trc-assessment": [CLASS, *LEARNERS.values()],
        "trc-progress": [CLASS, *LEARNERS.values()],
        "trc-progress-review": [CLASS, LEARNERS["Ben Ode"]],
        "trc-timeline": [CLASS, LEARNERS["Ana Ruiz"]],
        "trc-report": [CLASS, SCHOOL, *LEARNERS.values()],
    }
    for name, path in pages(graded).items():
        browser.open(path)
        shown = browser.text()
        for text in expected[name]:
            assert text in shown, f"{path} does not show {text!r} as text"
        assert browser.driver.execute_script("return window.__xss === undefined"), path
        for tag in ("script", "img", "svg"):
            assert browser.driver.find_elements(By.CSS_SELECTOR, f"main {tag}") == [], (path, tag)


def test_screenshots_of_the_report_pages(
    browser: TeacherBrowser,
    trc: TrcServer,
    graded: GradedClass,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Session(trc.server.engine) as session:
        welding = session.get(SchoolClass, graded.welding_id)
        assert welding is not None
        grid = progress_grid(session, school_class=welding, pack_id="sample-pack")
    skills = [s for s, _ in grid.skills]
    study_on_the_station(graded, skills)
    graded.lab.carry(capsys)
    browser.sign_in()
    for name, path in pages(graded).items():
        browser.open(path)
        assert browser.heading()
        saved = browser.screenshot(name)
        assert all(p.stat().st_size > 0 for p in saved)
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        for path in pages(graded).values():
            browser.open(path)
            # Wide tables scroll inside their card; the page itself never scrolls sideways.
            assert browser.page_width() <= 390, path
    finally:
        browser.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
