"""The live board end to end: a real station engine, the real server, a real browser."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace

from selenium.webdriver.common.by import By

from tests.server.web.harness import TeacherBrowser
from tests.server.web.livelab import (  # noqa: F401  (station_fixture: a fixture)
    LiveStation,
    sit_down,
    station_fixture,
)

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
    browser.screenshot("trc-board")

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

    (logged,) = station.events("proctor_command")
    data = json.loads(logged)["data"]
    assert (data["command_id"], data["action"], data["counter"]) == (
        command.command_id, "unlock", 2,
    )  # fmt: skip
    unlocked = [json.loads(body)["data"] for body in station.events("unlocked")]
    assert {"action": "resume", "counter": 2} in [
        {"action": u["action"], "counter": u["counter"]} for u in unlocked
    ]
