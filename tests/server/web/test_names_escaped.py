"""XSS through every name a page shows: learner, class, school, station, teacher.

Each name is stored as an attack; the real browser must show it as text and run nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from mcdesk.server.allowances import allow
from mcdesk.server.models import Teacher
from mcdesk.server.schools import add_teacher, find_learner, set_class_teacher
from tests.server.pulling import TEACHER_PASSWORD, enrol_store, new_store
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser, set_up_trc_school
from tests.server.web.http import WebClient

LEARNERS = ["<script>window.__xss='learner'</script>", "<img src=x onerror=window.__xss='img'>"]
CLASS = "<img src=x onerror=window.__xss='class'>"
SCHOOL = "<script>window.__xss='school'</script> High"
STATION = "<svg onload=window.__xss='station'>"
TEACHER = "<b onmouseover=window.__xss='teacher'>Evil</b>"
REASON = "<img src=x onerror=window.__xss='reason'> fire drill"
CSV = (
    "class,learner,external_id,pin\n"
    f"{CLASS},{LEARNERS[0]},S-1,4821\n"
    f"{CLASS},{LEARNERS[1]},S-2,139406\n"
    "Welding 1,Ana Ruiz,S-3,5521\n"
)


def test_every_name_shows_as_text_and_runs_nothing(
    browser: TeacherBrowser, trc: TrcServer, tmp_path: Path
) -> None:
    school = set_up_trc_school(trc.server.engine, csv=CSV, name=SCHOOL)
    database, station_id, key = new_store(tmp_path)
    enrol_store(
        trc.server,
        school_id=school.school_id,
        database=database,
        station_id=station_id,
        key=key,
        name=STATION,
    )
    with Session(trc.server.engine) as session:
        add_teacher(
            session,
            school_id=school.school_id,
            username="evil",
            display_name=TEACHER,
            password=TEACHER_PASSWORD,
            now=datetime.now(UTC),
            role="admin",
        )
        set_class_teacher(
            session,
            school_id=school.school_id,
            class_name=CLASS,
            username="evil",
            now=datetime.now(UTC),
        )

    with Session(trc.server.engine) as session:
        victim = find_learner(
            session, school_id=school.school_id, class_name=CLASS, name=LEARNERS[0]
        )
        victim_id = victim.id
        evil = session.exec(select(Teacher).where(Teacher.username == "evil")).one()
        allow(
            session, learner=victim, school_id=school.school_id, kind="clear_lockout",
            pack_id="", reason=REASON, teacher=evil, form_id="f1", now=datetime.now(UTC),
        )  # fmt: skip
    learner_page = f"/teacher/classes/{school.classes[CLASS]}/learners/{victim_id}"

    browser.sign_in("evil")
    pages = {
        f"/teacher/classes/{school.classes[CLASS]}/manage": [CLASS, *LEARNERS, TEACHER],
        learner_page: [CLASS, LEARNERS[0], TEACHER, REASON],
        "/teacher/codes": [SCHOOL, STATION, TEACHER],
        "/teacher/classes": [CLASS, *LEARNERS, TEACHER],
        f"/teacher/classes/{school.classes[CLASS]}": [CLASS, *LEARNERS, TEACHER],
    }
    for path, names in pages.items():
        browser.open(path)
        shown = browser.text()
        for name in names:
            assert name in shown, f"{path} does not show {name!r} as text"
        assert browser.driver.execute_script("return window.__xss === undefined"), path
        for tag in ("script", "img", "svg"):
            assert browser.driver.find_elements(By.CSS_SELECTOR, f"main {tag}") == [], (path, tag)
        assert browser.driver.find_elements(By.CSS_SELECTOR, "header b") == [], path
    browser.screenshot("trc-names-escaped")

    # The same bytes over HTTP: escaped by the templates, not merely blocked by the CSP.
    client = WebClient(trc.base_url)
    client.sign_in("evil")
    page = client.get("/teacher/classes").text
    assert "&lt;script&gt;window.__xss=&#39;learner&#39;&lt;/script&gt;" in page
    assert "<img" not in page
    assert (
        "script-src 'self'"
        in requests.get(trc.base_url + "/teacher", timeout=60).headers["content-security-policy"]
    )
