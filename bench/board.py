"""The live board under a lab's load: 200 simulated stations sending live state.

Stations are simulated (tests/server/web/simlab.py): each has a real Ed25519 key registered
for the school and speaks the real live channel (LiveLink: a signed POST per report). The
server is `python -m mcdesk server --workers 2` on a throwaway PostgreSQL, so a report and
the board's long-poll often land on different workers and the change travels through
LISTEN/NOTIFY. A board watcher runs what board.js runs (long-poll, then fetch the tiles).

Figures, each beside a floor measured in the same run:
- change → board latency p95: a probe station changes its state; the time until the
  watcher's tiles show it. Floor: one live report's round trip (p95).
- server CPU per live update (server process tree, /proc). Floor: CPU per GET /health.
- the board page p95 with 40 tiles. Floor: GET /api/v1/health p95 from the same client.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import percentile, table
from bench.stations import mcdesk_server, postgres, tree_cpu_seconds


def roster_csv(count: int, page: int) -> str:
    rows = ["class,learner,external_id,pin"]
    for n in range(count):
        room = "Lab A" if n < page else "Lab B"
        rows.append(f"{room},Learner {n:03d},S-{n},{4000 + n}")
    return "\n".join(rows) + "\n"


class Watcher:
    """A teacher's board, doing what board.js does: long-poll, then fetch the tiles."""

    def __init__(self, base_url: str, tiles_path: str) -> None:
        from tests.server.web.http import WebClient

        self.client = WebClient(base_url)
        assert self.client.sign_in().status_code == 303
        self.tiles_path = tiles_path
        self.seen: dict[str, float] = {}  # marker -> when the tiles first showed it
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(15)

    def _run(self) -> None:
        version = "0"
        while not self._stop.is_set():
            self.client.get(f"/teacher/board/changes?since={version}")
            html = self.client.get(self.tiles_path).text
            now = time.perf_counter()
            found = re.search(r'data-version="(\d+)"', html)
            version = found.group(1) if found else "0"
            for marker in re.findall(r"(\d+) of 999 answered", html):
                self.seen.setdefault(marker, now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0, help="live reports per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load phase")
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tiles", type=int, default=40)
    parser.add_argument("--pages", type=int, default=200, help="board page loads timed")
    args = parser.parse_args()

    from sqlmodel import Session, select

    from mcdesk.server.db import make_engine, migrate
    from mcdesk.server.models import SchoolClass
    from tests.server.postgres import create_database
    from tests.server.pulling import set_up_school
    from tests.server.web.simlab import learners_of, report, sim_stations

    with postgres(fsync=True) as (port, _pg_pid), tempfile.TemporaryDirectory() as home:
        url = create_database(port, f"bench_{uuid.uuid4().hex[:8]}")
        engine = make_engine(url)
        migrate(engine)
        school = set_up_school(engine, csv=roster_csv(args.stations, args.tiles))
        with Session(engine) as session:
            classes = {c.name: c.id for c in session.exec(select(SchoolClass))}
        people = learners_of(engine, classes["Lab A"]) + learners_of(engine, classes["Lab B"])
        with mcdesk_server(url, workers=args.workers, home=Path(home)) as (base_url, pid):
            lab = sim_stations(engine, base_url, school_id=school.school_id, count=args.stations)
            attempts = [str(uuid.uuid4()) for _ in lab]
            for station, person, attempt in zip(lab, people, attempts, strict=True):
                station.link.exchange(report(person, attempt_id=attempt))

            # 1. The board page with 40 tiles, and its floor, on a quiet server.
            from tests.server.web.http import WebClient

            client = WebClient(base_url)
            assert client.sign_in().status_code == 303
            page_path = f"/teacher/board/classes/{classes['Lab A']}"
            first = client.get(page_path).text
            tiles = first.count('class="tile ')
            assert tiles == args.tiles, f"{tiles} tiles on the page"
            page_ms, health_ms = [], []
            for _ in range(args.pages):
                start = time.perf_counter()
                assert client.get(page_path).status_code == 200
                page_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                assert client.get("/api/v1/health").status_code == 200
                health_ms.append((time.perf_counter() - start) * 1000)

            # 2. CPU per GET /health (floor) at the load phase's rate.
            cpu0 = tree_cpu_seconds(pid)
            floor_requests = int(args.rate * 5)
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _n: client.http.get(base_url + "/api/v1/health", timeout=30),
                              range(floor_requests)))  # fmt: skip
            health_cpu = (tree_cpu_seconds(pid) - cpu0) / floor_requests

            # 3. Load: every station reports at its pace; probes change one station's state.
            watcher = Watcher(base_url, f"{page_path}/tiles")
            watcher.start()
            stop = threading.Event()
            sent: list[float] = []
            errors: list[str] = []
            interval = args.stations / args.rate  # seconds between one station's reports

            def station_loop(index: int) -> None:
                station, person = lab[index], people[index]
                next_at = time.perf_counter() + (index / args.rate)
                while not stop.is_set():
                    time.sleep(max(0.0, next_at - time.perf_counter()))
                    start = time.perf_counter()
                    try:
                        station.link.exchange(report(person, attempt_id=attempts[index]))
                        sent.append(time.perf_counter() - start)
                    except Exception as exc:
                        errors.append(str(exc))
                    next_at += interval

            cpu0 = tree_cpu_seconds(pid)
            count0 = len(sent)
            probe_at: dict[str, float] = {}
            with ThreadPoolExecutor(min(64, args.stations)) as pool:
                loops = [pool.submit(station_loop, i) for i in range(1, args.stations)]
                probe_gap = args.seconds / args.probes
                for n in range(args.probes):
                    time.sleep(probe_gap)
                    marker = str(100 + n)
                    probe_at[marker] = time.perf_counter()
                    lab[0].link.exchange(
                        report(people[0], attempt_id=attempts[0], answered=int(marker), total=999)
                    )
                time.sleep(3)
                stop.set()
                for loop in loops:
                    loop.result()
            reports = len(sent) - count0 + args.probes
            live_cpu = (tree_cpu_seconds(pid) - cpu0) / max(1, reports)
            elapsed = args.seconds + 3
            watcher.stop()

    latencies = [(watcher.seen[m] - t) * 1000 for m, t in probe_at.items() if m in watcher.seen]
    missed = len(probe_at) - len(latencies)
    report_ms = [s * 1000 for s in sent]
    rows = [
        ("change → board latency p95", f"{percentile(latencies, 0.95):.0f} ms",
         f"{percentile(report_ms, 0.95):.0f} ms (a report's round trip, p95)",
         f"{percentile(latencies, 0.95) / percentile(report_ms, 0.95):.1f}×", "≤ 2000 ms"),
        ("server CPU per live update", f"{live_cpu * 1000:.2f} ms",
         f"{health_cpu * 1000:.2f} ms (GET /health)", f"{live_cpu / health_cpu:.1f}×", "reported"),
        (f"board page with {args.tiles} tiles, p95", f"{percentile(page_ms, 0.95):.1f} ms",
         f"{percentile(health_ms, 0.95):.1f} ms (GET /health)",
         f"{percentile(page_ms, 0.95) / percentile(health_ms, 0.95):.1f}×", "≤ 150 ms"),
    ]  # fmt: skip
    table("Live board: 200 simulated stations", rows)
    print(
        f"\n{args.stations} stations, {reports} live reports in {elapsed:.0f} s "
        f"({reports / elapsed:.0f}/s asked {args.rate:.0f}/s), {len(errors)} errors, "
        f"{missed} of {len(probe_at)} probes never seen; --workers {args.workers}; "
        f"latency p50 {percentile(latencies, 0.5):.0f} ms, max {max(latencies):.0f} ms"
    )
    if errors:
        print("first error:", errors[0])


if __name__ == "__main__":
    main()
