"""Class management end to end: a teacher's change in the real browser reaches a real
station at its next pull, and the station acts on it (a grant with dates opens the pack
in that window; an extra attempt and a waived review let Ana start again, once)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from sqlalchemy import Engine
from sqlmodel import Session, select

from mcdesk.content.access import granted_pack_ids, is_granted
from mcdesk.keys import read_private_key
from mcdesk.server.allowances import allow
from mcdesk.server.models import Learner, Station, Teacher
from mcdesk.server.roster import reset_pin
from mcdesk.server.schools import find_learner
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.study.signin import sign_in_learner
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.client import push_once
from mcdesk.sync.pull import pull_streams
from tests.server.pulling import NOW, TEACHER_USER, enrolled_station
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser, set_up_trc_school
from tests.server.web.livelab import (
    PACK,
    LiveStation,
    sit_down,
)


def pull(station: LiveStation) -> None:
    """The station's next pull of every stream, as `mcdesk sync` makes it."""
    pull_streams(
        database=station.database,
        station_key=read_private_key(station.lab.home.station_key),
        station_id=station.station_id,
        server_url=station.trc.base_url,
        server_public_key=station.lab.server_key(),
        appliers=STREAM_APPLIERS,
    )


def _school(station: LiveStation) -> str:
    with Session(station.trc.server.engine) as session:
        row = session.get(Station, station.station_id)
        assert row is not None
        assert row.school_id is not None
        return row.school_id


def review_every_skill(station: LiveStation) -> None:
    """Ana opens every skill of the pack again (what the review rule looks for)."""
    later = datetime.now(UTC).isoformat()
    with sqlite3.connect(station.database) as raw:
        manifest = raw.execute("SELECT manifest FROM pack WHERE id = ?", (PACK,)).fetchone()[0]
        for skill in json.loads(manifest)["skills"]:
            raw.execute(
                "INSERT OR REPLACE INTO skill_progress (learner_id, pack_id, skill_id,"
                " first_opened_at, last_opened_at, active_seconds) VALUES (?, ?, ?, ?, ?, 0)",
                (station.lab.learner_id, PACK, skill["id"], later, later),
            )


def set_date(browser: TeacherBrowser, field_id: str, day: str) -> None:
    # A date field's typed format follows the browser's locale; its value is always ISO.
    field = browser.driver.find_element(By.ID, field_id)
    browser.driver.execute_script("arguments[0].value = arguments[1]", field, day)


def test_a_grant_with_dates_made_in_the_browser_opens_the_pack_on_the_station_in_its_window(
    browser: TeacherBrowser, station: LiveStation
) -> None:
    lab = station.lab
    with Session(station.trc.server.engine) as session:
        learner = find_learner(
            session, school_id=_school(station), class_name="Welding 1", name="Ben Ode"
        )
        ben, welding = learner.id, learner.class_id
    browser.sign_in()
    browser.open(f"/teacher/classes/{welding}")
    browser.follow("Manage")
    assert browser.heading() == "Manage · Welding 1"
    Select(browser.driver.find_element(By.ID, "pack_id")).select_by_value(PACK)
    Select(browser.driver.find_element(By.ID, "to")).select_by_visible_text("Ben Ode")
    today = datetime.now(UTC).astimezone().date()
    opens, closes = today + timedelta(days=2), today + timedelta(days=30)
    set_date(browser, "opens", opens.isoformat())
    set_date(browser, "closes", closes.isoformat())
    browser.click_and_wait(browser.driver.find_element(By.XPATH, "//button[text()='Grant']"))
    assert "Granted. Stations open it after their next sync." in browser.text()
    assert f"{closes.isoformat()} (end of day)" in browser.text()
    browser.screenshot("trc-manage")

    pull(station)
    with opened(lab.home.database, read_only=True) as connection:
        only_ben = sqlite3.connect(":memory:")  # Welding 1's class grant set aside
        connection.backup(only_ben)
    only_ben.execute("DELETE FROM access_grant WHERE learner_id IS NULL")
    (count,) = only_ben.execute("SELECT count(*) FROM access_grant").fetchone()
    assert count == 1
    first = datetime.combine(opens, datetime.min.time()).astimezone()
    last = datetime.combine(closes, datetime.min.time()).astimezone()
    for moment, open_then in (
        (first - timedelta(minutes=1), False),
        (first + timedelta(minutes=1), True),
        (last + timedelta(hours=23, minutes=59), True),  # open all of the closing day
        (last + timedelta(days=1, minutes=1), False),
    ):
        granted = granted_pack_ids(only_ben, learner_id=ben, now=moment)
        assert is_granted(granted, PACK) is open_then, moment
    only_ben.close()


def test_an_extra_attempt_and_a_waived_review_from_the_browser_let_the_station_start_once(
    browser: TeacherBrowser, station: LiveStation
) -> None:
    for code in (1, 2):  # two failed attempts: today's two are used, and review is due
        if code == 1:
            sit_down(station)
        else:
            review_every_skill(station)  # as the rule asks between the two
            started = station.desk.start(
                learner_id=station.lab.learner_id, pack_id=PACK, code=station.code(code)
            )
            assert started.ok, started.message
        station.desk.engine.submit()
    evidence = station.desk.evidence(learner_id=station.lab.learner_id, pack_id=PACK)
    assert not evidence.retake.allowed
    assert "today's 2 attempts" in evidence.retake.reason

    with Session(station.trc.server.engine) as session:
        ana = find_learner(
            session, school_id=_school(station), class_name="Welding 1", name="Ana Ruiz"
        )
        page = f"/teacher/classes/{ana.class_id}/learners/{ana.id}"
    browser.sign_in()
    for kind, reason in (
        ("extra_attempt", "The fire drill ended her second try"),
        ("waive_review", "She reviewed with me after class"),
    ):
        browser.open(page)
        form = browser.driver.find_element(By.ID, "retake-reason").find_element(By.XPATH, "./..")
        form.find_element(By.CSS_SELECTOR, f"input[value='{kind}']").click()
        Select(form.find_element(By.ID, "retake-pack")).select_by_value(PACK)
        form.find_element(By.ID, "retake-reason").send_keys(reason)
        browser.click_and_wait(form.find_element(By.XPATH, ".//button[text()='Allow']"))
        assert "Allowed. Stations apply it after their next sync." in browser.text()
    shown = browser.text()
    assert "The fire drill ended her second try" in shown
    assert "She reviewed with me after class" in shown
    browser.screenshot("trc-learner")

    pull(station)
    evidence = station.desk.evidence(learner_id=station.lab.learner_id, pack_id=PACK)
    assert evidence.retake.allowed, evidence.retake.reason
    assert "Ms Lee allowed an extra attempt: The fire drill ended her second try" in (
        evidence.retake.reason
    )
    assert "waived the review" in evidence.retake.reason
    started = station.desk.start(
        learner_id=station.lab.learner_id, pack_id=PACK, code=station.code(3)
    )
    assert started.ok, started.message
    assert started.sitting is not None
    with sqlite3.connect(station.database) as raw:
        used = raw.execute("SELECT DISTINCT used_by_attempt FROM allowance").fetchall()
    assert used == [(started.sitting.attempt_id,)]
    station.desk.engine.submit()
    pushed = push_once(
        database=station.database, station_key=read_private_key(station.lab.home.station_key),
        station_id=station.station_id, server_url=station.trc.base_url,
        server_public_key=station.lab.server_key(),
    )  # fmt: skip
    assert pushed.rejected == []
    pull(station)  # pulled again, an allowance keeps its use
    again = station.desk.evidence(learner_id=station.lab.learner_id, pack_id=PACK)
    assert not again.retake.allowed  # each allowance helped once
    browser.open(page + "#record")  # the teacher sees where and when each was used
    assert browser.text().count("Used on ") == 2
    assert "at Lab 9" in browser.text()
    browser.screenshot("trc-learner-used")


def _locked_out(engine: Engine, learner_id: str) -> bool:
    """Six wrong PINs: the station makes Ana wait (a clock that never moves serves no wait)."""
    for _ in range(6):
        sign_in_learner(engine, learner_id=learner_id, pin="0000", now=NOW, monotonic=lambda: 0.0)
    held = sign_in_learner(
        engine, learner_id=learner_id, pin="4821", now=NOW, monotonic=lambda: 0.0
    )
    return held.wait_seconds > 0 and not held.ok


def test_a_cleared_lockout_and_a_new_pin_free_a_locked_out_learner_at_the_next_pull(
    trc: TrcServer, tmp_path: Path
) -> None:
    school = set_up_trc_school(trc.server.engine)
    station = enrolled_station(trc.server, tmp_path, school_id=school.school_id)
    station.pull()
    with Session(trc.server.engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        )
        ana_id = ana.id
        teacher = session.exec(select(Teacher).where(Teacher.username == TEACHER_USER)).one()
        teacher_id = teacher.id
    engine = make_store_engine(station.database)
    try:
        assert _locked_out(engine, ana_id)
        with Session(trc.server.engine) as session:
            allow(
                session, learner=session.get(Learner, ana_id), school_id=school.school_id,
                kind="clear_lockout", pack_id="", reason="", form_id="f-1", now=NOW,
                teacher=session.get(Teacher, teacher_id),
            )  # fmt: skip
        assert station.pull().items["allowances"] == 1
        free = sign_in_learner(
            engine, learner_id=ana_id, pin="4821", now=NOW, monotonic=lambda: 0.0
        )
        assert free.ok, free.message
        assert station.query("SELECT count(*) FROM allowance") == [(0,)]  # nothing kept

        assert _locked_out(engine, ana_id)
        with Session(trc.server.engine) as session:
            learner = session.get(Learner, ana_id)
            assert learner is not None
            reset_pin(session, learner=learner, school_id=school.school_id, pin="7391", now=NOW)
        station.pull()
        new = sign_in_learner(engine, learner_id=ana_id, pin="7391", now=NOW, monotonic=lambda: 0.0)
        assert new.ok, new.message
        old = sign_in_learner(engine, learner_id=ana_id, pin="4821", now=NOW, monotonic=lambda: 0.0)
        assert not old.ok
    finally:
        engine.dispose()
