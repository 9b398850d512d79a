"""Code slots are sealed off the request path, by a bounded set of threads, once each."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from mcdesk.protocol.slots import ScryptParams, Slot
from mcdesk.server import issuer
from mcdesk.server.issuer import SLOTS_AHEAD
from mcdesk.server.models import StationIssuer
from mcdesk.server.sealer import THREADS
from tests.server.conftest import RunningServer
from tests.server.pulling import (
    EnrolledStation,
    enrol_store,
    enrolled_station,
    new_store,
    set_up_school,
)

# Slower than the tests' usual FAST_TEST_PARAMS, so runs that could overlap do.
OVERLAPPING = ScryptParams(n=2**12, r=8, p=1)


class ScryptCounter:
    """Wraps the issuer's make_slot (one scrypt run): counts runs, threads and overlap."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._lock = threading.Lock()
        self._running = 0
        self.peak = 0
        self.threads: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Slot:
        with self._lock:
            self._running += 1
            self.peak = max(self.peak, self._running)
            self.threads.append(threading.current_thread().name)
        try:
            slot: Slot = self._real(*args, **kwargs)
            return slot
        finally:
            with self._lock:
                self._running -= 1


@pytest.fixture
def scrypt_runs(monkeypatch: pytest.MonkeyPatch) -> ScryptCounter:
    counter = ScryptCounter(issuer.make_slot)
    monkeypatch.setattr("mcdesk.server.issuer.make_slot", counter)
    return counter


def issuer_row(server: RunningServer, station: EnrolledStation) -> StationIssuer:
    with Session(server.engine) as session:
        row = session.get(StationIssuer, station.station_id)
        assert row is not None
        return row


def _slots(station: EnrolledStation) -> int:
    return int(station.query("SELECT count(*) FROM exam_key_slot")[0][0])


def test_enrolment_seals_each_slot_once_and_none_inside_a_request(
    server: RunningServer, tmp_path: Path, scrypt_runs: ScryptCounter
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    assert station.pull().items["code_slots"] == SLOTS_AHEAD
    assert _slots(station) == SLOTS_AHEAD
    # Exactly one scrypt run per slot the station keeps: none thrown away, none twice.
    assert len(scrypt_runs.threads) == SLOTS_AHEAD
    # All on the sealer's threads, none on a request's.
    assert {name.rsplit("-", 1)[0] for name in scrypt_runs.threads} == {"slot-sealer"}
    assert station.pull().items["code_slots"] == 0  # nothing owed: nothing sealed


def test_many_stations_at_once_seal_on_a_fixed_number_of_threads(
    server: RunningServer,
    tmp_path: Path,
    scrypt_runs: ScryptCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("mcdesk.server.issuer.SLOT_PARAMS", OVERLAPPING)
    school = set_up_school(server.engine)
    count = 8
    stores = [new_store(tmp_path, name=f"s{n}") for n in range(count)]  # Alembic: one at a time
    with ThreadPoolExecutor(max_workers=count) as pool:
        stations = list(
            pool.map(
                lambda store: enrol_store(
                    server,
                    school_id=school.school_id,
                    database=store[0],
                    station_id=store[1],
                    key=store[2],
                ),
                stores,
            )
        )
        for _ in range(20):  # each pull waits a little for what it is owed
            list(pool.map(lambda s: s.pull(), stations))
            if all(_slots(s) == SLOTS_AHEAD for s in stations):
                break
    assert [_slots(s) for s in stations] == [SLOTS_AHEAD] * count
    assert len(scrypt_runs.threads) == SLOTS_AHEAD * count
    # Memory is bounded by the sealer threads, not by the stations asking at once.
    assert scrypt_runs.peak <= THREADS


def test_a_new_station_gets_its_first_slots_without_waiting_for_all_of_them(
    server: RunningServer,
    tmp_path: Path,
    scrypt_runs: ScryptCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = scrypt_runs._real

    def slow(*args: Any, **kwargs: Any) -> Slot:  # a slot as slow as a tenth of a real one
        threading.Event().wait(0.02)
        slot: Slot = real(*args, **kwargs)
        return slot

    monkeypatch.setattr(scrypt_runs, "_real", slow)
    monkeypatch.setattr("mcdesk.server.sealer.READY_GRACE_SECONDS", 0.0)
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    first = station.pull().items["code_slots"]
    # The first pull ends once new slots are ready, not when all 40 are.
    assert 0 < first < SLOTS_AHEAD
    for _ in range(40):  # each pull brings what is ready by then
        if _slots(station) == SLOTS_AHEAD:
            break
        station.pull()
    assert _slots(station) == SLOTS_AHEAD
    assert len(scrypt_runs.threads) == SLOTS_AHEAD  # none sealed twice or thrown away


def test_a_pull_finding_slots_sealed_before_it_came_waits_only_the_grace(
    server: RunningServer,
    tmp_path: Path,
    scrypt_runs: ScryptCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A station's first sync finds the slot its enrolment sealed: it need not wait more.

    The sealer is held after that first slot. A pull that waited for the next chunk
    before starting its grace (as before issue 11's second pass) stays in the server for
    the whole ``PULL_WAIT_SECONDS``; one that counts the waiting slot as ready comes back.
    """
    real = scrypt_runs._real
    held = threading.Event()

    def first_then_held(*args: Any, **kwargs: Any) -> Slot:
        if len(scrypt_runs.threads) > 1:
            held.wait(120)
        slot: Slot = real(*args, **kwargs)
        return slot

    monkeypatch.setattr(scrypt_runs, "_real", first_then_held)
    monkeypatch.setattr("mcdesk.server.sealer.PULL_WAIT_SECONDS", 120.0)
    monkeypatch.setattr("mcdesk.server.sealer.READY_GRACE_SECONDS", 0.0)
    school = set_up_school(server.engine)
    try:
        station = enrolled_station(server, tmp_path, school_id=school.school_id)
        for _ in range(600):  # the enrolment's first slot, sealed before any pull
            if issuer_row(server, station).slots_through >= 1:
                break
            threading.Event().wait(0.05)
        assert issuer_row(server, station).slots_through == 1
        answered: list[int] = []
        pulling = threading.Thread(
            target=lambda: answered.append(station.pull().items["code_slots"]), daemon=True
        )
        pulling.start()
        pulling.join(60)  # far inside the 120 s a pull waiting for the next chunk would take
        assert answered == [1]
        assert _slots(station) == 1
    finally:
        held.set()  # let the sealer threads finish, so the server stops
