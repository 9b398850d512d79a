"""The live board end to end: a real station engine, the real server, a real browser."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait
from sqlmodel import Session

from mcdesk.server.live.models import LiveState
from mcdesk.server.models import Learner, Station
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import OTHER_USER, TeacherBrowser, set_up_trc_school
from tests.server.web.livelab import (
    LiveStation,
    sit_down,
)
from tests.server.web.simlab import learners_of, report, sim_stations

UPDATE_WAIT_S = 30  # a bound for a stuck board, not a speed requirement (bench/board.py)


def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + UPDATE_WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def tile_text(browser: TeacherBrowser) -> str:
    return str(browser.driver.find_element(By.ID, "tiles").text)


def test_a_waiting_station_is_unlocked_from_the_board_and_the_exam_log_records_it(
    browser: TeacherBrowser, station: LiveStation
) -> None:
    sit_down(station)
    attempt_id = station.crash()  # the station restarts: the attempt waits for a resume code
    station.activity = replace(station.activity, attempt_id=attempt_id, waiting="resume")
    station.report()

    browser.sign_in()
    assert browser.path == "/teacher/board"
    until(lambda: "Waiting for code #2" in tile_text(browser), "the board shows the wait")
    text = tile_text(browser)
    assert "Ana Ruiz" in text
    assert "Lab 9" in text
    browser.screenshot("trc-board-unlock")

    unlock = browser.driver.find_element(By.XPATH, "//button[normalize-space()='Unlock']")
    browser.click_and_wait(unlock)
    assert "Unlock: sending" in tile_text(browser)

    exchange = station.report()  # the station's next live report brings the command
    (command,) = exchange.commands
    assert (command.attempt_id, command.counter) == (attempt_id, 2)
    (ack,) = station.apply(exchange)
    assert ack.ok, ack.message
    assert station.desk.engine.state == "running"  # resumed through the typed-code path
    station.activity = replace(station.activity, waiting=None)
    station.report()  # carries the ack
    until(lambda: "Unlock: done on the station" in tile_text(browser), "the board hears the ack")
    assert "In the assessment" in tile_text(browser)
    browser.screenshot("trc-board-done")

    (logged,) = station.events("proctor_command")
    data = json.loads(logged)["data"]
    assert (data["command_id"], data["action"], data["counter"]) == (
        command.command_id, "unlock", 2,
    )  # fmt: skip
    unlocked = [json.loads(body)["data"] for body in station.events("unlocked")]
    assert {"action": "resume", "counter": 2} in [
        {"action": u["action"], "counter": u["counter"]} for u in unlocked
    ]


def test_station_and_learner_names_on_the_board_show_as_text_and_run_nothing(
    browser: TeacherBrowser, station: LiveStation
) -> None:
    station_name = "<svg onload=window.__xss='station'>"
    learner_name = "<img src=x onerror=window.__xss='learner'>"
    with Session(station.trc.server.engine) as session:
        row = session.get(Station, station.station_id)
        learner = session.get(Learner, station.lab.learner_id)
        assert row is not None
        assert learner is not None
        row.name, learner.display_name = station_name, learner_name
        session.add_all([row, learner])
        session.commit()
    sit_down(station)
    # The station's own words reach the board too (the skill it says it studies).
    station.activity = replace(station.activity, title="<script>window.__xss='title'</script>")
    station.report()
    browser.sign_in()
    until(lambda: learner_name in tile_text(browser), "the learner's name shows")
    assert station_name in tile_text(browser)
    browser.driver.refresh()  # and after a live refresh of the tiles (board.js)
    station.activity = replace(station.activity, waiting="dismiss")
    station.report()
    until(lambda: "Waiting for code" in tile_text(browser), "the live refresh came")
    assert learner_name in tile_text(browser)
    assert browser.driver.execute_script("return window.__xss === undefined")
    assert not browser.driver.find_elements(
        By.CSS_SELECTOR, "#tiles svg, #tiles img, #tiles script"
    )


def test_a_station_that_went_quiet_shows_offline_never_its_old_state(
    browser: TeacherBrowser, station: LiveStation
) -> None:
    sit_down(station)
    station.activity = replace(station.activity, waiting="dismiss")
    station.report()
    browser.sign_in()
    until(lambda: "Waiting for code" in tile_text(browser), "the live state shows")
    with Session(station.trc.server.engine) as session:  # its last report, 20 s ago
        live = session.get(LiveState, station.station_id)
        assert live is not None
        live.received_at = datetime.now(UTC) - timedelta(seconds=20)
        session.add(live)
        session.commit()
    until(lambda: "Offline since" in tile_text(browser), "the board's periodic look")
    text = tile_text(browser)
    assert "Waiting for code" not in text
    assert "answered" not in text
    assert "Unlock" not in text
    browser.screenshot("trc-board-offline")


LAB_CSV = "class,learner,external_id,pin\n" + "".join(
    f"Welding 1,{name},S-{n},48{n:02d}\n"
    for n, name in enumerate(
        ["Ana Ruiz", "Ben Ode", "Cara Singh", "Dev Patel", "Eli Moss", "Fay Chen", "Gus Ahn"]
    )
)


def test_a_lab_board_puts_the_stations_needing_the_teacher_first(
    browser: TeacherBrowser, trc: TrcServer
) -> None:
    school = set_up_trc_school(trc.server.engine, csv=LAB_CSV)
    people = learners_of(trc.server.engine, school.classes["Welding 1"])
    lab = sim_stations(trc.server.engine, trc.base_url, school_id=school.school_id, count=8)
    reports = [
        report(people[0], remaining_s=1312, answered=7),
        report(people[1], state="paused", waiting={"action": "resume", "counter": 2}),
        report(people[2], remaining_s=185, answered=11, incidents=("focus_lost", "focus_lost")),
        report(people[3], studying="Reading a tape measure"),
        report(people[4], state="scored", answered=12),
        report(people[5], waiting={"action": "dismiss", "counter": 5}, incidents=("focus_lost",)),
        report(people[6], state="paused", remaining_s=900),
        report(None),
    ]
    for station, sent in zip(lab, reports, strict=True):
        station.link.exchange(sent)
    browser.sign_in(OTHER_USER)  # okafor teaches the only class (set_up_trc_school)
    names = [
        tile.find_element(By.TAG_NAME, "h2").text
        for tile in browser.driver.find_elements(By.CSS_SELECTOR, "#tiles .tile")
    ]
    # Waiting and paused first (by station name), then the rest by name.
    assert names[:3] == ["Bench 02", "Bench 06", "Bench 07"]
    assert sorted(names[3:]) == names[3:]
    text = tile_text(browser)
    assert "Waiting for code #5 to return to the paper" in text
    assert "3:05 left" in text
    assert "2 incidents: left the window, left the window" in text
    assert "Studying Measuring tools: Reading a tape measure" in text
    browser.screenshot("trc-board-lab")
    assert browser.page_width() <= 1280
    for station in lab:
        station.link.close()


def test_on_postgresql_the_board_updates_through_listen_notify(
    pg_browser: TeacherBrowser, pg_trc: TrcServer
) -> None:
    school = set_up_trc_school(pg_trc.server.engine, csv=LAB_CSV)
    people = learners_of(pg_trc.server.engine, school.classes["Welding 1"])
    (bench,) = sim_stations(
        pg_trc.server.engine, pg_trc.base_url, school_id=school.school_id, count=1
    )
    attempt = str(uuid.uuid4())
    bench.link.exchange(report(people[0], attempt_id=attempt))
    pg_browser.sign_in(OTHER_USER)
    until(lambda: "In the assessment" in tile_text(pg_browser), "the first state")
    bench.link.exchange(
        report(people[0], attempt_id=attempt, waiting={"action": "dismiss", "counter": 4})
    )
    until(lambda: "Waiting for code #4" in tile_text(pg_browser), "the change, without a reload")
    bench.link.close()


CLASS_CSV = "class,learner,external_id,pin\n" + "".join(
    f"Welding 1,Learner {n:02d},S-{n},{5000 + n}\n" for n in range(25)
)


def test_a_teacher_runs_a_class_of_25_from_the_board(
    browser: TeacherBrowser, trc: TrcServer
) -> None:
    """Done when: find who is waiting and unlock them, extend one learner, extend the class."""
    school = set_up_trc_school(trc.server.engine, csv=CLASS_CSV)
    people = learners_of(trc.server.engine, school.classes["Welding 1"])
    lab = sim_stations(trc.server.engine, trc.base_url, school_id=school.school_id, count=25)
    attempts = [str(uuid.uuid4()) for _ in lab]
    waiting = {"action": "resume", "counter": 2}
    for n, station in enumerate(lab):
        station.link.exchange(
            report(people[n], attempt_id=attempts[n], state="paused" if n == 16 else "running",
                   waiting=waiting if n == 16 else None)
        )  # fmt: skip
    browser.sign_in(OTHER_USER)
    browser.follow("Welding 1")
    tiles = browser.driver.find_elements(By.CSS_SELECTOR, "#tiles .tile")
    assert len(tiles) == 25
    first = tiles[0]
    assert "Bench 17" in first.text  # the one waiting comes first
    assert "Waiting for code #2 to resume" in first.text
    browser.click_and_wait(first.find_element(By.XPATH, ".//button[normalize-space()='Unlock']"))

    # Bench 17 asks again (its next report): it gets the command, checks it, acknowledges.
    exchange = lab[16].link.exchange(report(people[16], attempt_id=attempts[16], state="paused",
                                            waiting=waiting))  # fmt: skip
    (command,) = exchange.commands
    assert (command.action, command.counter, command.attempt_id) == ("unlock", 2, attempts[16])
    ack = {"command_id": command.command_id, "ok": True, "message": "Code #2 accepted."}
    lab[16].link.exchange(
        report(people[16], attempt_id=attempts[16]) | {"acks": [ack]}
    )  # fmt: skip
    until(lambda: "Unlock: done on the station" in tile_text(browser), "the unlock is done")

    # One learner gets five more minutes from their tile.
    tile = next(
        t for t in browser.driver.find_elements(By.CSS_SELECTOR, "#tiles .tile")
        if t.find_element(By.TAG_NAME, "h2").text == "Bench 05"
    )  # fmt: skip
    browser.click_and_wait(tile.find_element(By.XPATH, ".//button[normalize-space()='+5 min']"))
    (command,) = lab[4].link.exchange(report(people[4], attempt_id=attempts[4])).commands
    assert (command.action, command.minutes) == ("extend", 5)

    # The whole class gets ten more minutes.
    minutes = browser.driver.find_element(By.ID, "extend-all-minutes")
    minutes.clear()
    minutes.send_keys("10")
    browser.click_and_wait(
        browser.driver.find_element(By.XPATH, "//button[normalize-space()='Extend all']")
    )
    extended = 0
    for n, station in enumerate(lab):
        sent = station.link.exchange(report(people[n], attempt_id=attempts[n])).commands
        extended += sum(1 for c in sent if (c.action, c.minutes) == ("extend", 10))
    assert extended == 25
    assert "Add time: sending" in tile_text(browser)
    browser.screenshot("trc-board-class")
    for station in lab:
        station.link.close()


def test_ending_an_attempt_asks_first(browser: TeacherBrowser, trc: TrcServer) -> None:
    school = set_up_trc_school(trc.server.engine, csv=LAB_CSV)
    people = learners_of(trc.server.engine, school.classes["Welding 1"])
    (bench,) = sim_stations(trc.server.engine, trc.base_url, school_id=school.school_id, count=1)
    attempt = str(uuid.uuid4())
    bench.link.exchange(report(people[0], attempt_id=attempt))
    browser.sign_in(OTHER_USER)
    end = browser.driver.find_element(By.XPATH, "//button[normalize-space()='End']")
    end.click()
    alert = browser.driver.switch_to.alert
    assert "scored as it stands" in alert.text
    alert.dismiss()  # no: nothing is sent
    assert bench.link.exchange(report(people[0], attempt_id=attempt)).commands == []
    end = browser.driver.find_element(By.XPATH, "//button[normalize-space()='End']")
    page = browser.driver.find_element(By.TAG_NAME, "html")
    end.click()
    browser.driver.switch_to.alert.accept()
    WebDriverWait(browser.driver, 30).until(staleness_of(page))
    (command,) = bench.link.exchange(report(people[0], attempt_id=attempt)).commands
    assert command.action == "end"
    bench.link.close()
