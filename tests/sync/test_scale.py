"""The issue's scale: 10 stations push 1,000 signed exam results through a hostile network.

Each result is sat, signed and queued in the station's real store as the exam ledger does
it, without the exam-log chunk the ledger queues before it: that chunk would more than
double the server's work and this test's time, and chain checking is tested on its own.
Each station pushes from its own thread, at once, through one fault-injecting proxy, and
retries with ``push_once`` until its outbox is empty; the backoff delay is computed as the
real loop computes it but not slept. Then every result must be on the server exactly once,
signed by its station's registered key, and every station must hold a verified receipt
for each of its results.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, func, select

from mcdesk.exam.results import ExamResult
from mcdesk.server.models import Event, Flag, Result, Station
from mcdesk.sync.backoff import Backoff
from mcdesk.sync.client import SyncError, fetch_server_key, push_once
from tests.conftest import NOW
from tests.server.admitted import admit
from tests.server.conftest import RunningServer
from tests.sync.conftest import StationStore, make_station
from tests.sync.proxy import (
    DELAY,
    DROP,
    DUPLICATE,
    ERROR_503,
    GARBAGE,
    PASS,
    RESET,
    FaultProxy,
    fault_proxy,
)
from tests.sync.results import (
    CLASS_SIZE,
    EXAM_RESULT,
    TEST_PAPER,
    learner_of,
    sit_exams,
    verified_result,
)

STATIONS = 10
RESULTS_PER_STATION = 100
BATCH = 25  # 4+ requests per station even on a perfect network
MAX_TRIES = 300  # ample: about 3 in 8 requests get through this proxy
MODES = [PASS, PASS, DROP, RESET, DELAY, DUPLICATE, ERROR_503, GARBAGE]
# What a hostile network may make push_once say. Anything else (a bad receipt, a refused
# signature) would be a bug, not the network.
NETWORK_REASONS = (
    "server unreachable",
    "the connection broke before the server answered",
    "server error 503",
    "response was not understood",
    "the nonce was used before",  # a duplicated request: the twin won, this copy is a replay
    # A loaded machine (CI beside other jobs) can be slower than the station's timeout; to
    # the station that is one more lost answer, and exactly-once must hold through it too.
    "server did not answer within",
)


@dataclass(slots=True)
class PushLog:
    """What one pusher met: SyncError reasons, and events the server had already."""

    reasons: Counter[str] = field(default_factory=Counter)
    duplicate: int = 0


def push_until_sent(
    store: StationStore, proxy: FaultProxy, key: Ed25519PublicKey, seed: int
) -> PushLog:
    """Retry push_once until the outbox is empty, as the station's sync loop would."""
    rng = random.Random(seed)
    backoff = Backoff()
    log = PushLog()
    with requests.Session() as http:
        for _ in range(MAX_TRIES):
            try:
                report = push_once(
                    database=store.database,
                    station_key=store.identity.key,
                    station_id=store.identity.id,
                    server_url=proxy.url,
                    server_public_key=key,
                    session=http,
                    batch_size=BATCH,
                    timeout=10,
                )
            except SyncError as exc:
                log.reasons[exc.reason] += 1
                delay = backoff.failed(rng)  # what the loop would sleep; the test does not
                assert 0 <= delay <= min(backoff.cap, backoff.base * 2 ** (backoff.attempt - 1))
                continue
            assert report.rejected == []
            log.duplicate += report.duplicate
            backoff.succeeded()
            if report.remaining == 0:
                return log
    raise AssertionError(f"{store.identity.id} still has {store.unsent()} unsent after retries")


def registered_keys(server: RunningServer) -> dict[str, Ed25519PublicKey]:
    with Session(server.engine) as session:
        return {
            s.id: Ed25519PublicKey.from_public_bytes(base64.b64decode(s.public_key))
            for s in session.exec(select(Station))
        }


def assert_receipts_hold(store: StationStore, server_key: Ed25519PublicKey) -> None:
    outbox = {event.id: event for event in store.outbox()}
    receipts = store.receipts()
    # One receipt per outbox event: each result and the exam-log chunk queued before it.
    assert len(receipts) == 2 * RESULTS_PER_STATION
    assert sorted(r.event_id for r in receipts) == sorted(outbox)
    for receipt in receipts:
        server_key.verify(receipt.signature, receipt.body)
        fields = json.loads(receipt.body)
        event = outbox[receipt.event_id]
        assert (fields["event_id"], fields["station_id"]) == (event.id, store.identity.id)
        assert fields["body_sha256"] == hashlib.sha256(event.body).hexdigest()
        assert fields["seq"] == event.seq


def test_ten_stations_push_a_thousand_signed_results_through_faults_exactly_once(
    server: RunningServer, template_store: Path, tmp_path: Path
) -> None:
    stations = [
        make_station(server, template_store, tmp_path, station_id=f"lab-{n:02d}")
        for n in range(STATIONS)
    ]
    for store in stations:  # the server counts results only for its granted learners
        admit(
            server.engine,
            station_id=store.identity.id,
            learner_ids=[learner_of(store.identity.id, n) for n in range(CLASS_SIZE)],
            pack_id=TEST_PAPER.pack_id,
        )
    made: dict[str, list[ExamResult]] = {
        store.identity.id: sit_exams(
            store.database,
            key=store.identity.key,
            station_id=store.identity.id,
            count=RESULTS_PER_STATION,
            seed=n,
            start=NOW,
            with_log=True,  # as the ledger queues them: the exam log, then the result
        )
        for n, store in enumerate(stations)
    }
    server_key = fetch_server_key(server.base_url)

    # Two stations also run a second pusher at the same time (a `mcdesk sync --once` beside
    # the background loop): identical events may reach the server at once, fresh nonces each.
    pushers = stations + stations[:2]
    with (
        fault_proxy(server.base_url, modes=MODES, seed=5) as proxy,
        ThreadPoolExecutor(max_workers=len(pushers)) as pool,
    ):
        pushes = [
            pool.submit(push_until_sent, store, proxy, server_key, n)
            for n, store in enumerate(pushers)
        ]
        logs = [push.result() for push in pushes]
    reasons = sum((log.reasons for log in logs), Counter[str]())

    # Every fault really happened, and only the network's faults were reported.
    assert set(proxy.seen) == set(MODES), proxy.seen
    assert reasons, "no push ever failed: the proxy injected nothing"
    assert [r for r in reasons if not any(known in r for known in NETWORK_REASONS)] == []
    # Lost answers were re-sent, and the server answered them with the original receipts.
    assert sum(log.duplicate for log in logs) > 0

    # The server holds each result once, under its station, signed by that station's key,
    # and every station's exam log arrived whole: not one gap, fork or bad signature.
    keys = registered_keys(server)
    with Session(server.engine) as session:
        stored = list(session.exec(select(Event)))
        assert list(session.exec(select(Flag))) == []
        assert session.exec(select(func.count()).select_from(Result)).one() == (
            STATIONS * RESULTS_PER_STATION
        )
    results_stored = [e for e in stored if e.kind == EXAM_RESULT]
    assert len(results_stored) == STATIONS * RESULTS_PER_STATION
    assert {e.kind for e in stored} == {EXAM_RESULT, "exam_log"}
    by_station: dict[str, list[str]] = {}
    for event in results_stored:
        document = verified_result(event.body, keys[event.station_id])
        assert document["station"]["id"] == event.station_id
        by_station.setdefault(event.station_id, []).append(document["id"])
    result_ids = [rid for ids in by_station.values() for rid in ids]
    assert len(set(result_ids)) == len(result_ids) == STATIONS * RESULTS_PER_STATION
    for station_id, results in made.items():
        assert sorted(by_station[station_id]) == sorted(r.id for r in results)

    # Each station sent everything and holds a server-signed receipt for each result.
    for store in stations:
        assert store.unsent() == 0
        receipted = {r.event_id for r in store.receipts()}
        results_here = [e.event_id for e in results_stored if e.station_id == store.identity.id]
        assert len(results_here) == RESULTS_PER_STATION
        assert receipted >= set(results_here)
        on_server = [e.event_id for e in stored if e.station_id == store.identity.id]
        assert sorted(on_server) == sorted(e.id for e in store.outbox())
        assert_receipts_hold(store, server_key)
