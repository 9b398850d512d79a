"""Overload on PostgreSQL: a burst of pushes is answered 200 or 503 (Retry-After), never 500."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import psycopg
import pytest
import requests
from sqlalchemy import func, make_url
from sqlmodel import Session, select

from mcdesk.server.admission import RETRY_AFTER_SECONDS, Admission
from mcdesk.server.config import ServerSettings
from mcdesk.server.db import make_engine
from mcdesk.server.models import Event
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity, enrol, serving
from tests.server.postgres import create_database

BURST = 120  # more than the old pool (15) and thread limiter (40) together


@pytest.fixture
def postgres_url(postgres_port: int) -> str:
    return create_database(postgres_port, f"t_{uuid.uuid4().hex}")


@pytest.fixture
def one_worker(postgres_url: str) -> Iterator[RunningServer]:
    engine = make_engine(postgres_url)
    try:
        with serving(ServerSettings(database_url=postgres_url)) as base_url:
            yield RunningServer(base_url=base_url, engine=engine)
    finally:
        engine.dispose()


def _push_until_stored(
    server: RunningServer, station: StationIdentity, statuses: list[int]
) -> None:
    """Push one event, honouring 503 Retry-After (shortened: the test only needs the order)."""
    event = make_event(1)
    for _ in range(50):
        answer = push(server.base_url, station, [event])
        statuses.append(answer.status_code)
        if answer.status_code != 503:
            return
        assert int(answer.headers["Retry-After"]) >= 1
        time.sleep(0.2)


def _stored(server: RunningServer) -> int:
    with Session(server.engine) as session:
        return int(session.exec(select(func.count()).select_from(Event)).one())


def test_a_burst_of_stations_is_answered_200_or_503_never_500(
    one_worker: RunningServer,
) -> None:
    stations = [enrol(one_worker.engine, station_id=f"burst-{n:03d}") for n in range(BURST)]
    statuses: list[int] = []
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        list(pool.map(lambda s: _push_until_stored(one_worker, s, statuses), stations))
    counts = Counter(statuses)
    assert set(counts) <= {200, 503}, counts
    assert counts[200] == BURST
    assert _stored(one_worker) == BURST


def _waiting_on_a_lock(postgres_url: str) -> int:
    url = make_url(postgres_url)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as connection:
        row = connection.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
    assert row is not None
    return int(row[0])


def test_a_request_with_no_place_free_gets_503_with_retry_after(postgres_url: str) -> None:
    """One place, no queue: a push held inside it makes the next one 503 at once."""
    settings = replace(ServerSettings(database_url=postgres_url), db_slots=1, max_waiting=0)
    engine = make_engine(postgres_url)
    url = make_url(postgres_url)
    try:
        with serving(settings) as base_url:
            server = RunningServer(base_url=base_url, engine=engine)
            first = enrol(engine, station_id="first")
            second = enrol(engine, station_id="second")
            held: list[requests.Response] = []
            with psycopg.connect(
                host=url.host, port=url.port, user=url.username, dbname=url.database
            ) as blocker:
                # The first push stops at its nonce insert, inside the one place.
                blocker.execute("LOCK TABLE nonce IN ACCESS EXCLUSIVE MODE")
                thread = threading.Thread(
                    target=lambda: held.append(push(base_url, first, [make_event(1)]))
                )
                thread.start()
                deadline = time.monotonic() + 30
                while _waiting_on_a_lock(postgres_url) == 0:
                    assert time.monotonic() < deadline, "the first push never reached the lock"
                    time.sleep(0.05)
                refused = push(base_url, second, [make_event(1)])
                blocker.rollback()  # lets the first push finish
            thread.join(timeout=30)
            assert refused.status_code == 503
            assert int(refused.headers["Retry-After"]) >= RETRY_AFTER_SECONDS
            assert "busy" in refused.json()["detail"]
            assert [answer.status_code for answer in held] == [200]
            # The first push's place is given back as its session closes, which can come a
            # moment after its answer reached the client: the station waits and sends again.
            deadline = time.monotonic() + 10
            again = push(base_url, second, [make_event(1)])
            while again.status_code == 503 and time.monotonic() < deadline:
                time.sleep(0.1)
                again = push(base_url, second, [make_event(1)])
            assert again.status_code == 200
            assert _stored(server) == 2
    finally:
        engine.dispose()


def test_retry_after_grows_with_the_crowd_turned_away() -> None:
    """A thousand refused at once are spread over the time the places need to serve them."""
    admission = Admission(slots=2)
    first = admission.retry_after_now()
    assert RETRY_AFTER_SECONDS <= first <= RETRY_AFTER_SECONDS * 1.5 + 1
    later = [admission.retry_after_now() for _ in range(999)]
    # 1,000 turned away x 0.1 s per request (the starting average) / 2 places = 50 s.
    assert min(later[-10:]) >= 50
    assert max(later) <= 300  # never past a station's own backoff cap
