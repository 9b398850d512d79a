"""Load: N stations at once against `mcdesk server --workers W` on one PostgreSQL.

Every station runs one sync round as a station does, all at once: a few of them first
enrol with a one-time token (the server then owes them 40 code slots, sealed by its
sealer threads at the real scrypt cost), then each pushes its outbox (signed results,
each after its exam-log chunk, in batches of 100 events) and pulls every stream from
cursor 0, page by page. Requests are signed with each station's own key; a 503 is
honoured as stations do (wait Retry-After, with jitter, and send again). Loopback only;
every run is bounded by --deadline seconds and by N; the cluster and server are
stopped by PID.

Per (W, N): wall time, requests and results per second, p50/p99 latency per kind of
request (queueing in the server included), answers by status (503 = told to come
back; anything else non-200 is an error), stations that did not finish before the
deadline, and the server's peak RSS (all its processes, sampled every 0.5 s). The
floor, same run: the best results/s over the N of that W; the ratio says whether
throughput holds at its peak as N grows.

Stations that do not enrol during the run are registered beforehand with their
issuer's 40 slots counted as delivered (slot documents are not made: sealing 40 × N
slots would be the whole run), so their code_slots pull is the steady state: nothing
owed. The enrolling ones pay the full price.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from measure import ROOT, percentile
from stations import (
    BenchStation,
    batches,
    bundled_paper,
    make_stations,
    mcdesk_server,
    postgres,
    publish,
    tree_rss_mib,
)

from mcdesk.keys import public_key_b64
from mcdesk.protocol.documents import PULL_PATH, PUSH_PATH
from mcdesk.protocol.signing import signed_headers
from mcdesk.sync.enrol import ENROLL_PATH
from mcdesk.sync.pull import PAGE

STREAMS = ("roster", "grants", "accommodations", "code_slots", "pack_keys", "catalog")
ROSTER = "class,learner,pin\n" + "".join(
    f"Lab {n % 2},Learner {n:02d},{1000 + n}\n" for n in range(30)
)
MAX_RETRY_WAIT = 30.0


@dataclass
class Tally:
    """What one run saw: latencies of answered requests, statuses, unfinished stations."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    results: int = 0
    unfinished: int = 0
    examples: dict[str, str] = field(default_factory=dict)  # one message per failure kind
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: str, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status == "200":
                self.latencies.setdefault(kind, []).append(seconds)


class Deadline(Exception):
    """The run's time is up for this station."""


def send(
    http: requests.Session,
    tally: Tally,
    kind: str,
    deadline: float,
    make: Callable[[requests.Session], requests.Response],
) -> requests.Response:
    """Send (re-signed on every try) until a non-503 answer; 503 waits Retry-After."""
    while True:
        if time.monotonic() > deadline:
            raise Deadline
        start = time.perf_counter()
        try:
            answer: requests.Response = make(http)
        except requests.RequestException as exc:
            tally.record(kind, type(exc).__name__, time.perf_counter() - start)
            tally.examples.setdefault(type(exc).__name__, str(exc)[:200])
            http.close()  # as a station's next round would: a new connection
            time.sleep(random.uniform(1, 3))
            continue
        tally.record(kind, str(answer.status_code), time.perf_counter() - start)
        if answer.status_code != 503:
            if answer.status_code != 200:
                tally.examples.setdefault(str(answer.status_code), answer.text[:200])
            return answer
        wait = float(answer.headers.get("Retry-After", "5"))
        time.sleep(min(wait, MAX_RETRY_WAIT) * random.uniform(0.5, 1.5))
        # The server closes idle keep-alive connections after 5 s: a station coming
        # back later opens a new one rather than racing that close.
        http.close()


def signed(station: BenchStation, method: str, path: str, body: bytes) -> dict[str, str]:
    headers = signed_headers(
        key=station.key,
        station_id=station.id,
        method=method,
        path=path,
        body=body,
        timestamp=int(time.time()),
    )
    if body:
        headers["Content-Type"] = "application/json"
    return headers


def station_round(
    base_url: str, station: BenchStation, token: str | None, tally: Tally, deadline: float
) -> None:
    """Enrol (with a token), push the whole outbox, pull every stream from the start."""
    with requests.Session() as http:
        try:
            if token is not None:
                enrol = {
                    "token": token,
                    "station_id": station.id,
                    "name": station.id,
                    "public_key": public_key_b64(station.key.public_key()),
                }
                answer = send(
                    http,
                    tally,
                    "enrol",
                    deadline,
                    lambda h: h.post(base_url + ENROLL_PATH, json=enrol, timeout=120),
                )
                if answer.status_code != 200:
                    return
            for body in batches(station.events, 100):

                def push(h: requests.Session, b: bytes = body) -> requests.Response:
                    headers = signed(station, "POST", PUSH_PATH, b)
                    return h.post(base_url + PUSH_PATH, data=b, headers=headers, timeout=120)

                answer = send(http, tally, "push", deadline, push)
                if answer.status_code != 200:
                    return
            with tally.lock:
                tally.results += len(station.results)
            for stream in STREAMS:
                path, after = PULL_PATH + stream, 0
                while True:

                    def pull(
                        h: requests.Session, p: str = path, a: int = after
                    ) -> requests.Response:
                        headers = signed(station, "GET", p, b"")
                        query = {"after": a, "limit": PAGE}
                        return h.get(base_url + p, params=query, headers=headers, timeout=120)

                    answer = send(http, tally, "pull", deadline, pull)
                    if answer.status_code != 200:
                        return
                    # A page is a signed envelope (mcdesk.sync.answers); a station checks
                    # the signature, the bench only reads on (the server's cost is measured).
                    page = json.loads(base64.b64decode(json.loads(answer.content)["body"]))
                    if not page["more"]:
                        break
                    after = int(page["cursor"])
        except Deadline:
            with tally.lock:
                tally.unfinished += 1


def prepare_server(
    database_url: str, stations: list[BenchStation], enrolling: int, pack: tuple[Path, Path]
) -> dict[str, str]:
    """School, roster, the published pack, registered stations; tokens of the enrolling."""
    from sqlmodel import Session

    from mcdesk.server.admin import register_station
    from mcdesk.server.db import make_engine
    from mcdesk.server.enrolment import new_enrol_token
    from mcdesk.server.issuer import SLOTS_AHEAD, new_issuer_keys
    from mcdesk.server.models import StationIssuer
    from mcdesk.server.roster import import_roster_csv
    from mcdesk.server.schools import add_school, add_teacher

    publish(database_url, *pack)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    tokens: dict[str, str] = {}
    try:
        with Session(engine) as session:
            school = add_school(session, name="Load High", now=now)
            school_id = school.id
            add_teacher(
                session,
                school_id=school_id,
                username="lee",
                display_name="Lee",
                password="a long bench passphrase",
                now=now,
            )
            session.commit()
            import_roster_csv(session, school_id=school_id, text=ROSTER, now=now)
            for station in stations[:enrolling]:
                tokens[station.id] = new_enrol_token(
                    session,
                    school_id=school_id,
                    station_name=station.id,
                    ttl=timedelta(hours=2),
                    now=now,
                )
            for station in stations[enrolling:]:
                register_station(
                    session,
                    station_id=station.id,
                    name=station.id,
                    public_key_b64=public_key_b64(station.key.public_key()),
                    now=now,
                    school_id=school_id,
                )
                keys = new_issuer_keys()
                session.add(
                    StationIssuer(
                        station_id=station.id,
                        issuer_id=keys.issuer_id,
                        secret=keys.secret,
                        exam_key=keys.exam_key,
                        slots_through=SLOTS_AHEAD,
                        slots_wanted=SLOTS_AHEAD,
                        created_at=now,
                    )
                )
            session.commit()
    finally:
        engine.dispose()
    return tokens


@dataclass(frozen=True, slots=True)
class RunFigures:
    workers: int
    stations: int
    seconds: float
    tally: Tally
    peak_rss_mib: float

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.tally.latencies.values())

    @property
    def results_per_second(self) -> float:
        return self.tally.results / self.seconds


def run_once(
    *,
    workers: int,
    stations: list[BenchStation],
    enrolling: int,
    port: int,
    home: Path,
    pack: tuple[Path, Path],
    deadline_seconds: float,
) -> RunFigures:
    from tests.server.postgres import create_database

    name = f"load_{workers}_{len(stations)}_{int(time.time() * 1000) % 10**8}"
    url = create_database(port, name)
    with mcdesk_server(url, workers=workers, home=home) as (base_url, server_pid):
        tokens = prepare_server(url, stations, enrolling, pack)
        tally = Tally()
        peak = [tree_rss_mib(server_pid)]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak.append(tree_rss_mib(server_pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        deadline = time.monotonic() + deadline_seconds
        with ThreadPoolExecutor(max_workers=len(stations)) as pool:
            list(
                pool.map(
                    lambda s: station_round(base_url, s, tokens.get(s.id), tally, deadline),
                    stations,
                )
            )
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    return RunFigures(workers, len(stations), seconds, tally, max(peak))


def ms(samples: list[float], fraction: float) -> str:
    return f"{percentile(samples, fraction) * 1000:,.0f}" if samples else "–"


def print_table(runs: list[RunFigures]) -> None:
    best = {
        w: max(r.results_per_second for r in runs if r.workers == w)
        for w in {r.workers for r in runs}
    }
    print(
        "\n| W | N | wall s | results/s | ratio to best | requests/s | push p50/p99 ms | "
        "pull p50/p99 ms | enrol p50/p99 ms | 200 | 503 (came back) | errors | unfinished | "
        "peak RSS MiB |"
    )
    print("|" + "---|" * 14)
    for r in runs:
        lat = r.tally.latencies
        errors = {k: v for k, v in r.tally.statuses.items() if k not in ("200", "503")}
        error_text = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "0"
        push, pull, enrol = lat.get("push", []), lat.get("pull", []), lat.get("enrol", [])
        print(
            f"| {r.workers} | {r.stations} | {r.seconds:.1f} | {r.results_per_second:,.1f} | "
            f"{r.results_per_second / best[r.workers]:.2f} | {r.answered / r.seconds:,.0f} | "
            f"{ms(push, 0.5)} / {ms(push, 0.99)} | {ms(pull, 0.5)} / {ms(pull, 0.99)} | "
            f"{ms(enrol, 0.5)} / {ms(enrol, 0.99)} | {r.tally.statuses['200']} | "
            f"{r.tally.statuses['503']} | {error_text} | {r.tally.unfinished} | "
            f"{r.peak_rss_mib:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations-list", default="10,50,100,200,500,1000")
    parser.add_argument("--workers-list", default="1,2,4")
    parser.add_argument("--results", type=int, default=1, help="results per station")
    parser.add_argument("--enrol", type=int, default=5, help="stations that enrol per run")
    parser.add_argument("--deadline", type=float, default=300, help="seconds per run, at most")
    parser.add_argument("--fsync", choices=["on", "off"], default="on")
    parser.add_argument("--pack", default="access-control-lists", help="a bundled pack id")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # tests/server/postgres.py and tests/sync/results.py
    counts = [int(n) for n in args.stations_list.split(",")]
    workers_list = [int(n) for n in args.workers_list.split(",")]
    load_before = os.getloadavg()[0]
    runs: list[RunFigures] = []
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        os.environ["MCDESK_HOME"] = str(home / "home")
        paper, pack_file, key_file = bundled_paper(args.pack)
        made = time.perf_counter()
        fleet = make_stations(home, max(counts), args.results, paper, with_log=True)
        print(f"{len(fleet)} stations made in {time.perf_counter() - made:.0f} s", flush=True)
        with postgres(fsync=args.fsync == "on") as (port, _postmaster):
            for workers in workers_list:
                for count in counts:
                    runs.append(
                        run_once(
                            workers=workers,
                            stations=fleet[:count],
                            enrolling=min(args.enrol, count),
                            port=port,
                            home=home,
                            pack=(pack_file, key_file),
                            deadline_seconds=args.deadline,
                        )
                    )
                    print_table(runs[-1:])
    print(
        f"\n## Load: stations at once, {args.results} result(s) each with its exam-log chunk, "
        f"{min(args.enrol, min(counts))}–{args.enrol} enrolling per run, PostgreSQL "
        f"fsync={args.fsync}, deadline {args.deadline:.0f} s  ({sys.platform}, python "
        f"{sys.version.split()[0]})"
    )
    print_table(runs)
    for run in runs:
        for what, message in run.tally.examples.items():
            print(f"W={run.workers} N={run.stations}: {what}: {message}")
    print(
        f"\nThis machine has {os.cpu_count()} cores, shared by the server's workers, "
        f"PostgreSQL and every simulated station. Load average (1 min) before "
        f"{load_before:.1f}, after {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
