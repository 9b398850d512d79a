"""Ingest: signed exam results per second, stations → `mcdesk server` → PostgreSQL.

The figure: K stations push concurrently (one thread each, batches of --batch) to
`python -m mcdesk server --workers N`, a real subprocess on a throwaway PostgreSQL
cluster (fsync on unless --fsync off); results stored, checked and receipted per second
of wall time, for each N in --workers-list. Each station's outbox is real: attempts at a
bundled pack (published on the server with its pack key, so the server re-scores every
result) sat in a real station store by tests/sync/results.py, which signs and queues
each result as the exam ledger does, after the exam-log chunk the server anchors it in.
Requests are signed as `push_once` signs them, all of them before the clock starts
(the server allows 5 minutes of clock skew, far more than a run), and sent over one
keep-alive `http.client` connection per station: the client's CPU per request is a
small fraction of the server's, so on a small machine it takes little from the server.
The client checks every event was accepted but does not verify the receipts (a station
does that on its own machine).

The floor, same run: Ed25519 verification of the same result signatures on one core.
Target: figure ≥ 0.5 × floor, per second and per core (results per CPU-second the server
spent against verifies per CPU-second, which other work on a shared machine does not
move), and 2 workers ≥ 1.6 × one, measured as a worker *and a core* added: N workers
with everything under test (server, PostgreSQL, client) pinned to N cores, N = 1 and 2,
alternated --repeats times, medians compared; beside it the machine's own gain, N
processes verifying against one. Unpinned, one worker already keeps more than one core
busy (Ed25519 verification and hashing run outside Python's lock), so 2 workers against
1 on the same 2 cores is printed with that machine's ceiling, not held to 1.6. Also
printed: the same floor counting every signature the server checks per result (the
result and its exam-log entries); small events per second (skill_studied bodies); where
the CPU went in each run (server processes, PostgreSQL processes, this client), in CPU-
seconds per 1,000 events, and the server's CPU per result; and, for 2 workers, the most
the machine allows: its cores over the CPU a result costs everyone (server, PostgreSQL,
client), against one worker's rate.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from measure import ROOT, median, table
from stations import (
    START,
    BenchStation,
    batches,
    bundled_paper,
    make_stations,
    mcdesk_server,
    own_cpu_seconds,
    pin_self,
    pin_tree,
    postgres,
    publish,
    register,
    tree_cpu_seconds,
)

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.documents import PUSH_PATH
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.signing import signed_headers


def studied_events(count: int) -> list[dict[str, Any]]:
    """Small events, shaped as mark_studied queues them."""
    events = []
    for seq in range(1, count + 1):
        at = START + timedelta(seconds=seq)
        body = {
            "kind": "skill_studied",
            "learner_id": f"learner-{seq % 25:02d}",
            "pack_id": "access-control-lists",
            "skill_id": f"skill-{seq % 12}",
            "at": at.isoformat(),
        }
        text = canonical_json(body)
        events.append(
            {
                "id": uuid7(unix_ms=int(at.timestamp() * 1000)),
                "seq": seq,
                "kind": "skill_studied",
                "body": text.decode("utf-8"),
                "body_sha256": hashlib.sha256(text).hexdigest(),
            }
        )
    return events


def warm_up() -> dict[str, Any]:
    """An event of a kind the server only stores, to wake a worker."""
    text = b'{"kind":"warm_up"}'
    body_sha256 = hashlib.sha256(text).hexdigest()
    return {
        "id": uuid7(),
        "seq": 0,
        "kind": "warm_up",
        "body": text.decode(),
        "body_sha256": body_sha256,
    }


@dataclass(frozen=True, slots=True)
class Signed:
    """One push request, signed before the clock starts: body, headers, event count."""

    body: bytes
    headers: dict[str, str]
    events: int


def sign_all(station: BenchStation, bodies: list[bytes]) -> list[Signed]:
    signed = []
    for body in bodies:
        headers = signed_headers(
            key=station.key,
            station_id=station.id,
            method="POST",
            path=PUSH_PATH,
            body=body,
            timestamp=int(time.time()),
        )
        headers["Content-Type"] = "application/json"
        signed.append(Signed(body, headers, len(json.loads(body)["events"])))
    return signed


def push_all(base_url: str, station_id: str, requests: list[Signed]) -> int:
    """POST each pre-signed batch in order on one keep-alive connection; events accepted."""
    address = urlsplit(base_url)
    accepted = 0
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=300)
    try:
        for request in requests:
            connection.request("POST", PUSH_PATH, body=request.body, headers=request.headers)
            answer = connection.getresponse()
            text = answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{station_id}: {answer.status} {text[:300]!r}")
            decoded = json.loads(text)
            sent = request.events
            if len(decoded["accepted"]) != sent or len(decoded["receipts"]) != sent:
                raise RuntimeError(f"{station_id}: not all accepted: {decoded['rejected'][:3]}")
            accepted += sent
    finally:
        connection.close()
    return accepted


@dataclass(frozen=True, slots=True)
class Run:
    events: int
    seconds: float
    server_cpu: float
    postgres_cpu: float
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def server_ms_per(self, count: int) -> float:
        return self.server_cpu * 1000 / count

    def cpu_split(self) -> str:
        per = 1000 / self.events
        return (
            f"server {self.server_cpu * per:.2f}, PG {self.postgres_cpu * per:.2f}, "
            f"client {self.client_cpu * per:.2f} CPU-s/1k"
        )


def timed_push(
    base_url: str, work: dict[str, list[bytes]], stations: list[BenchStation], pids: tuple[int, int]
) -> Run:
    """Every station pushes its batches at once; wall time and CPU split of the whole push.

    Every request is signed before the clock starts.
    """
    server_pid, postmaster_pid = pids
    signed = {s.id: sign_all(s, work[s.id]) for s in stations}
    before = (tree_cpu_seconds(server_pid), tree_cpu_seconds(postmaster_pid), own_cpu_seconds())
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(stations)) as pool:
        counts = list(pool.map(lambda s: push_all(base_url, s.id, signed[s.id]), stations))
    seconds = time.perf_counter() - start
    after = (tree_cpu_seconds(server_pid), tree_cpu_seconds(postmaster_pid), own_cpu_seconds())
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return Run(sum(counts), seconds, *spent)


def verify_floor(
    stations: list[BenchStation], *, with_log: bool, passes: int = 3
) -> tuple[float, float]:
    """Results/s on one core, Ed25519 checks of each result's signature (and its log's):
    per second of wall time, and per CPU-second of this thread (which other work on the
    machine does not change)."""
    checks: list[tuple[Ed25519PublicKey, bytes, bytes]] = []
    for station in stations:
        public = station.key.public_key()
        checks += [(public, r.signature, r.body) for r in station.results]
        if with_log:
            checks += [(public, signature, digest) for signature, digest in station.log_signatures]
    results = sum(len(station.results) for station in stations)
    rates, cpu_rates = [], []
    for _ in range(passes):
        start, cpu = time.perf_counter(), time.thread_time()
        for key, signature, message in checks:
            key.verify(signature, message)
        rates.append(results / (time.perf_counter() - start))
        cpu_rates.append(results / (time.thread_time() - cpu))
    return median(rates), median(cpu_rates)


def _verify_many(count: int) -> float:
    """Seconds for ``count`` Ed25519 verifies in this process (one worker of the floor)."""
    key = Ed25519PrivateKey.generate()
    message = b"x" * 256
    signature, public = key.sign(message), key.public_key()
    start = time.perf_counter()
    for _ in range(count):
        public.verify(signature, message)
    return time.perf_counter() - start


def cores_floor(cores: int, *, count: int = 6000) -> float:
    """How much faster ``cores`` processes verify than one on this machine: pure CPU work
    with nothing shared, the most any N-worker server could gain here (virtual cores on a
    shared host give less than N)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(_verify_many, [100] * cores))  # started and warm
        start = time.perf_counter()
        list(pool.map(_verify_many, [count]))
        alone = time.perf_counter() - start
        start = time.perf_counter()
        list(pool.map(_verify_many, [count] * cores))
        together = time.perf_counter() - start
    return cores * alone / together


def count_events(database_url: str) -> int:
    from sqlalchemy import text

    from mcdesk.server.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM event")).scalar_one())
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class Measured:
    workers: int
    results: Run  # every outbox event of every station: log chunks and results
    result_count: int
    small: Run
    cpus: set[int] | None = None  # pinned to these cores, or sharing all of them


def measure_workers(
    workers: int,
    *,
    stations: list[BenchStation],
    pack: tuple[Path, Path],
    port: int,
    postmaster: int,
    home: Path,
    batch: int,
    cpus: set[int] | None = None,
) -> Measured:
    """A fresh database and `mcdesk server --workers N`: the results push, then small events.

    With ``cpus``, everything under test (the server's processes, PostgreSQL's, and this
    client) runs on those cores alone for the whole measurement.
    """
    from tests.server.postgres import create_database

    url = create_database(port, f"bench_{workers}_{uuid7().replace('-', '')[:12]}")
    small = [
        BenchStation(f"plain-{n:02d}", Ed25519PrivateKey.generate(), [], [], [])
        for n in range(len(stations))
    ]
    with mcdesk_server(url, workers=workers, home=home) as (base_url, server_pid):
        register(url, stations + small)
        publish(url, *pack)
        pids = (server_pid, postmaster)
        everywhere = os.sched_getaffinity(0)
        if cpus is not None:
            for root in pids:
                pin_tree(root, cpus)
            pin_self(cpus)
        # Every worker imports, connects and reads the server key before the clock runs.
        warm = {s.id: batches([warm_up(), warm_up()], 1) for s in stations}
        timed_push(base_url, warm, stations, pids)
        work = {s.id: batches(s.events, batch) for s in stations}
        results = timed_push(base_url, work, stations, pids)
        per_station = results.events // len(small)
        plain = {s.id: batches(studied_events(per_station), batch) for s in small}
        events = timed_push(base_url, plain, small, pids)
        if cpus is not None:
            for root in pids:
                pin_tree(root, everywhere)
            pin_self(everywhere)
    stored = count_events(url)
    expected = 2 * len(stations) + results.events + events.events
    if stored != expected:
        raise RuntimeError(f"the server stored {stored} events, expected {expected}")
    return Measured(workers, results, sum(len(s.results) for s in stations), events, cpus)


def median_run(runs: list[Measured]) -> Measured:
    """The run whose results/s is the median of ``runs`` (the upper middle of an even count)."""
    ordered = sorted(runs, key=lambda m: m.result_count / m.results.seconds)
    return ordered[len(ordered) // 2]


def pinned_rows(
    pinned: list[Measured], floor: float, machine: float
) -> list[tuple[str, str, str, str, str]]:
    """Rows for N workers on N cores: what adding a worker *and a core* gives.

    One worker is not one core: Ed25519 verification and hashing run outside Python's
    lock, so a single worker process keeps more than one core busy, and two workers on the
    same two cores can only share what one already used. Pinning everything under test
    (server, PostgreSQL, client) to N cores asks the question a bigger host answers. Each
    N is run ``--repeats`` times, alternated; the median rate is compared.
    """
    by_workers: dict[int, list[Measured]] = {}
    for m in pinned:
        by_workers.setdefault(m.workers, []).append(m)
    rows: list[tuple[str, str, str, str, str]] = []
    first_rate = 0.0
    for workers, runs in by_workers.items():
        rates = sorted(m.result_count / m.results.seconds for m in runs)
        rate, cores = median(rates), len(runs[0].cpus or ())
        spread = ", ".join(f"{r:,.0f}" for r in rates)
        rows.append(
            (
                f"signed results/s, {workers} worker(s) pinned to {cores} core(s)",
                f"{rate:,.0f}/s (median of {spread})",
                f"Ed25519 verify of all their signatures, {cores} core(s) {floor * cores:,.0f}/s",
                f"{rate / (floor * cores):.2f}",
                "reported",
            )
        )
        middle = min(runs, key=lambda m: abs(m.result_count / m.results.seconds - rate))
        rows.append(("  same run, CPU", middle.results.cpu_split(), "", "", "reported"))
        if not first_rate:
            first_rate, first = rate, (workers, cores)
            continue
        rows.append(
            (
                f"  {workers} workers on {cores} cores against {first[0]} on {first[1]}",
                f"{rate:,.0f}/s vs {first_rate:,.0f}/s",
                f"this machine: {cores} processes verify {machine:.2f}× one",
                f"{rate / first_rate:.2f}",
                "≥ 1.6",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=8, help="stations pushing at once")
    parser.add_argument("--results", type=int, default=200, help="results per station")
    parser.add_argument("--batch", type=int, default=100, choices=[100, 500])
    parser.add_argument("--workers-list", default="1,2,4", help="server worker counts")
    parser.add_argument("--fsync", choices=["on", "off"], default="on")
    parser.add_argument("--pack", default="access-control-lists", help="a bundled pack id")
    parser.add_argument(
        "--pinned",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run N workers with everything under test pinned to N cores (N ≤ cores)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each N, alternated")
    parser.add_argument(
        "--without-log",
        action="store_true",
        help="queue results alone, without the exam-log chunk the ledger queues before each",
    )
    args = parser.parse_args()
    # The bench reuses the tests' PostgreSQL recipe and result maker from the source tree.
    sys.path.insert(0, str(ROOT))
    workers_list = [int(n) for n in args.workers_list.split(",")]
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    measured = []
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.environ["MCDESK_HOME"] = str(home / "home")
        paper, *pack = bundled_paper(args.pack)
        with_log = not args.without_log
        stations = make_stations(home, args.stations, args.results, paper, with_log=with_log)
        floor, _ = verify_floor(stations, with_log=False)
        floor_all, floor_all_cpu = verify_floor(stations, with_log=True)
        available = sorted(os.sched_getaffinity(0))
        pinned_list = [n for n in workers_list if n <= len(available)] if args.pinned else []
        with postgres(fsync=args.fsync == "on") as (port, postmaster):
            # Alternated, so a neighbour's burst falls on both sides; the median is kept.
            runs: list[tuple[int, set[int] | None]] = [
                (n, None) for _ in range(args.repeats) for n in workers_list
            ]
            runs += [(n, set(available[:n])) for _ in range(args.repeats) for n in pinned_list]
            for workers, cpus in runs:
                measured.append(
                    measure_workers(
                        workers,
                        stations=stations,
                        pack=(pack[0], pack[1]),
                        port=port,
                        postmaster=postmaster,
                        home=home,
                        batch=args.batch,
                        cpus=cpus,
                    )
                )
    entries = len(stations[0].log_signatures) / len(stations[0].results)
    shape = f"each after its exam-log chunk, {entries:.0f} entries" if with_log else "no log"
    rows = []
    shared = [
        median_run([m for m in measured if m.cpus is None and m.workers == n]) for n in workers_list
    ]
    for m in shared:
        rate = m.result_count / m.results.seconds
        # The floor is verifying every signature a result brings: its own and, with the
        # log, the exam-log entries the server must check to accept it (the chain check).
        main_floor, main_words = (
            (floor_all, f"Ed25519 verify of all their signatures {floor_all:,.0f}/s")
            if with_log
            else (floor, f"Ed25519 verify of the results {floor:,.0f}/s")
        )
        rows += [
            (
                f"signed results/s, {m.workers} worker(s)",
                f"{rate:,.0f}/s ({m.results.rate:,.0f} events/s; median of {args.repeats})",
                main_words,
                f"{rate / main_floor:.2f}",
                "≥ 0.5",
            ),
        ]
        if with_log:
            rows.append(
                (
                    "  against the result signature alone",
                    f"{rate:,.0f}/s",
                    f"Ed25519 verify of the results {floor:,.0f}/s",
                    f"{rate / floor:.2f}",
                    "reported",
                )
            )
        if with_log:
            # Per core: results per CPU-second the server spent, against verifies per
            # CPU-second of one core; neither moves with other work on the machine.
            per_core = m.result_count / m.results.server_cpu
            rows.append(
                (
                    "  per server core (CPU-seconds)",
                    f"{per_core:,.0f}/CPU-s",
                    f"Ed25519 verify of all their signatures {floor_all_cpu:,.0f}/CPU-s",
                    f"{per_core / floor_all_cpu:.2f}",
                    "≥ 0.5",
                )
            )
            rows.append(
                (
                    "  server CPU per result",
                    f"{m.results.server_ms_per(m.result_count):.2f} ms",
                    f"verify of its signatures {1000 / floor_all_cpu:.2f} ms",
                    "",
                    "reported",
                )
            )
        if m is not shared[0]:
            first = shared[0]
            first_rate = first.result_count / first.results.seconds
            rows.append(
                (
                    f"  {m.workers} workers against {first.workers}, all sharing {cores} cores",
                    f"{rate:,.0f}/s vs {first_rate:,.0f}/s",
                    "",
                    f"{rate / first_rate:.2f}",
                    "reported (≤ ceiling)",
                )
            )
            # What this machine could give at best: all its cores busy with this work alone.
            spent = m.results.server_cpu + m.results.postgres_cpu + m.results.client_cpu
            ceiling = cores * m.result_count / spent
            rows.append(
                (
                    f"  the machine's ceiling, {cores} cores",
                    f"{ceiling:,.0f}/s vs {first_rate:,.0f}/s",
                    "",
                    f"{ceiling / first_rate:.2f}",
                    "reported",
                )
            )
        rows += [
            ("  same run, CPU", m.results.cpu_split(), "", "", "reported"),
            (
                f"small events/s, {m.workers} worker(s)",
                f"{m.small.rate:,.0f}/s",
                "",
                "",
                "reported",
            ),
            ("  same run, CPU", m.small.cpu_split(), "", "", "reported"),
        ]
    pinned = [m for m in measured if m.cpus is not None]
    widest = max((len(m.cpus or ()) for m in pinned), default=1)
    rows += pinned_rows(pinned, floor_all, cores_floor(widest) if widest > 1 else 1.0)
    table(
        f"Ingest: {args.stations} stations × {args.results} results of {args.pack} ({shape}), "
        f"batches of {args.batch} events, PostgreSQL fsync={args.fsync}",
        rows,
    )
    print(
        f"\nThis machine has {cores} cores, shared by the server's workers, PostgreSQL and "
        f"the pushing stations; floors are one core. Load average (1 min) before "
        f"{load_before:.1f}, after {os.getloadavg()[0]:.1f}: other work on the machine "
        "slows every figure here."
    )


if __name__ == "__main__":
    main()
