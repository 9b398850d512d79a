"""Announcements and due dates: posted from the class page, recorded in the change log's
``announcements`` stream, pulled by a station of the school; CSRF and bad input refused."""

from __future__ import annotations

import json

from selenium.webdriver.common.by import By
from sqlmodel import Session, col, select

from mcdesk.server.models import Change
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import OTHER_USER, School, TeacherBrowser, set_up_trc_school
from tests.server.web.http import WebClient, signed_in

XSS = "<script>window.__xss='announcement'</script>Bring boots"


def changes(trc: TrcServer) -> list[Change]:
    with Session(trc.server.engine) as session:
        return list(session.exec(select(Change).where(col(Change.stream) == "announcements")).all())


def test_an_announcement_is_recorded_as_a_change_and_listed(trc: TrcServer) -> None:
    school = set_up_trc_school(trc.server.engine)
    welding = school.classes["Welding 1"]
    client = signed_in(trc)
    path = f"/teacher/classes/{welding}/announcements"
    answer = client.post(path, {"text": "Quiz  on\nFriday", "due_on": "2026-12-18"},
                         token=client.token(path))  # fmt: skip
    assert answer.status_code == 303
    (change,) = changes(trc)
    assert change.school_id == school.school_id
    assert change.document is not None
    document = json.loads(change.document)
    assert (document["class_id"], document["text"], document["due_on"]) == (
        welding, "Quiz on Friday", "2026-12-18",
    )  # fmt: skip
    page = client.get(path).text
    assert "Quiz on Friday" in page
    assert "Due 2026-12-18" in page
    # Another class of the school does not list it.
    cnc = school.classes["CNC"]
    assert (
        "Quiz on Friday"
        not in signed_in(trc, OTHER_USER).get(f"/teacher/classes/{cnc}/announcements").text
    )
    # Taken down: a change with no document, and gone from the page.
    remove = f"{path}/{document['id']}/remove"
    assert client.post(remove, {}, token=client.token(path)).status_code == 303
    assert [c.document is None for c in changes(trc)] == [False, True]
    assert "Quiz on Friday" not in client.get(path).text


def test_bad_input_is_refused_in_words_and_nothing_recorded(trc: TrcServer) -> None:
    school = set_up_trc_school(trc.server.engine)
    path = f"/teacher/classes/{school.classes['Welding 1']}/announcements"
    client = signed_in(trc)
    for fields, words in (
        ({"text": "   ", "due_on": ""}, "Write the announcement first."),
        ({"text": "x" * 501, "due_on": ""}, "Keep an announcement to 500 characters."),
        ({"text": "Quiz", "due_on": "18/12/2026"}, "year-month-day"),
        ({"text": "Quiz", "due_on": "2026-02-30"}, "year-month-day"),
    ):
        answer = client.post(path, fields, token=client.token(path))
        assert answer.status_code == 400, fields
        assert words in answer.text, fields
    assert changes(trc) == []


def test_without_the_csrf_token_or_as_another_teacher_nothing_is_posted(trc: TrcServer) -> None:
    school = set_up_trc_school(trc.server.engine)
    path = f"/teacher/classes/{school.classes['Welding 1']}/announcements"
    client = signed_in(trc)
    assert client.post(path, {"text": "Hi"}, token=None).status_code == 403
    other = WebClient(trc.base_url)
    assert other.sign_in().status_code == 303
    assert client.post(path, {"text": "Hi"}, token=other.token()).status_code == 403  # not ours
    okafor = signed_in(trc, OTHER_USER)
    assert okafor.post(path, {"text": "Hi"}, token=okafor.token()).status_code == 403
    assert changes(trc) == []


def test_the_text_shows_as_text_in_the_browser(browser: TeacherBrowser, trc: TrcServer) -> None:
    school: School = set_up_trc_school(trc.server.engine)
    browser.sign_in()
    browser.open(f"/teacher/classes/{school.classes['Welding 1']}/announcements")
    browser.driver.find_element(By.ID, "text").send_keys(XSS)
    browser.click_and_wait(browser.driver.find_element(By.CSS_SELECTOR, "form.card button"))
    assert XSS in browser.text()
    assert browser.driver.execute_script("return window.__xss === undefined")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "main script") == []
    browser.screenshot("trc-announcements")
