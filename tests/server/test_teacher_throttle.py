"""The teacher page's throttle under attack: bursts on 4 workers, over-long and unknown names."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, text

from mcdesk.server.db import make_engine
from tests.server.conftest import RunningServer
from tests.server.postgres import create_database, free_port
from tests.server.pulling import TEACHER_PASSWORD, TEACHER_USER, set_up_school
from tests.server.web.http import WebClient

BURST = 40
FREE_TRIES = 5


@dataclass(frozen=True, slots=True)
class Workers:
    url: str
    engine: Engine


@pytest.fixture
def four_workers(postgres_port: int, tmp_path: Path) -> Iterator[Workers]:
    """`mcdesk server --workers 4` on a fresh PostgreSQL database, as a district runs it."""
    database_url = create_database(postgres_port, f"t_{uuid.uuid4().hex}")
    port = free_port()
    env = {**os.environ, "MCDESK_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "mcdesk", "server", "--db", database_url]
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "4"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    engine = make_engine(database_url)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "mcdesk server did not start"
            time.sleep(0.1)
        yield Workers(url=f"http://127.0.0.1:{port}", engine=engine)
    finally:
        process.terminate()
        process.wait(timeout=60)
        engine.dispose()
    assert "Traceback" not in log.read_text()


def burst(url: str, *, password: str = "not it") -> list[requests.Response]:
    """BURST wrong passwords for one name, all sent at the same moment (each with its form)."""
    start = threading.Barrier(BURST)

    def one(_: int) -> requests.Response:
        client = WebClient(url)
        token = client.token()
        start.wait()
        return client.post(
            "/teacher", {"username": TEACHER_USER, "password": password}, token=token
        )

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(one, range(BURST)))


def stored_failures(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT failures FROM teacher_throttle"))]


def end_the_wait(engine: Engine, *, failures: int | None = None) -> None:
    """As if the wait had run out (and, if given, after that many wrong tries)."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE teacher_throttle SET wait_left = 0"))
        if failures is not None:
            connection.execute(text("UPDATE teacher_throttle SET failures = :f"), {"f": failures})


def test_bursts_on_four_workers_get_only_the_free_checks(four_workers: Workers) -> None:
    set_up_school(four_workers.engine)
    statuses: Counter[int] = Counter()
    for round_ in range(6):
        answers = burst(four_workers.url)
        counted = Counter(answer.status_code for answer in answers)
        statuses += counted
        # Five checks in the first burst; after each wait, one more, and then a longer wait.
        assert counted == {401: FREE_TRIES if round_ == 0 else 1, 429: BURST - counted[401]}
        for answer in answers:
            words = "do not match" if answer.status_code == 401 else "try again in"
            assert words in answer.text
        end_the_wait(four_workers.engine)
    assert statuses[500] == 0
    assert stored_failures(four_workers.engine) == [statuses[401]]  # every check was counted

    # Far past the point where 30 s · 2^(failures - 5) used to overflow into a 500.
    end_the_wait(four_workers.engine, failures=60)
    client = WebClient(four_workers.url)
    wrong = client.sign_in(TEACHER_USER, "no")
    assert (wrong.status_code, "do not match" in wrong.text) == (401, True)
    waiting = client.sign_in(TEACHER_USER, TEACHER_PASSWORD)
    assert waiting.status_code == 429
    assert "try again in 3600 s." in waiting.text
    assert stored_failures(four_workers.engine) == [61]


def post(server: RunningServer, username: str, password: str = "not it") -> requests.Response:
    return WebClient(server.base_url).sign_in(username, password)


def throttle_rows(server: RunningServer) -> list[tuple[str, int]]:
    with server.engine.connect() as connection:
        rows = connection.execute(text("SELECT subject, failures FROM teacher_throttle"))
        return sorted((str(subject), int(failures)) for subject, failures in rows)


def test_unknown_names_cost_one_small_row_each_and_idle_rows_go(server: RunningServer) -> None:
    set_up_school(server.engine)
    # A name no teacher can have is refused in words and leaves no row at all.
    long = post(server, "x" * 1_000)  # within the form's 4 KiB body limit
    assert long.status_code == 401
    assert "A teacher name is at most 100 characters." in long.text
    huge = post(server, "x" * 100_000)  # past the body limit: not even read as a form
    assert huge.status_code == 413
    assert "too large" in huge.text
    assert throttle_rows(server) == []

    # One name, however it is typed, is one row keyed by a hash: the name is not stored.
    for typed in ("Nobody", "  nobody ", "NOBODY", "ｎｏｂｏｄｙ"):
        assert "do not match" in post(server, typed).text
    nobody = hashlib.sha256(b"nobody").hexdigest()
    assert throttle_rows(server) == [(nobody, 4)]

    # A row with no try for a day goes with the next try of any name.
    with server.engine.begin() as connection:
        connection.execute(
            text("UPDATE teacher_throttle SET last_try = :t"),
            {"t": (datetime.now(UTC) - timedelta(days=1, minutes=1)).timestamp()},
        )
    post(server, "someone else")
    assert throttle_rows(server) == [(hashlib.sha256(b"someone else").hexdigest(), 1)]
