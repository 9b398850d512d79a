"""Roster import: 5,000 learners with PINs from CSV into a fresh server database.

The figure: `import_roster_csv` wall time (parse, PIN hashes on a process pool, rows and
roster-stream changes in one multi-row insert, one commit) on a temporary SQLite file,
`--postgres` (a throwaway cluster) or `--db URL`. The floor, same run: the PIN hashes
alone, measured on a sample hashed serially in this process and scaled to the roster
size over this machine's cores (the best a pool can do on an idle machine); and the
same 5,000 hashes made by the import's own pool (`settle_pins`) right after it, with
nothing else: what the pool gets of a shared machine at that moment, so the import
against it is the cost of everything but the hashes. Also printed, from samples of the
same run: the hashes alone at n=2^12 (the PIN cost before issue 11's second pass),
and the serial time at the teacher-password cost (what every PIN cost at first).
Target: 5,000 learners ≤ 30 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from measure import ROOT, table
from sqlmodel import Session

from mcdesk.passwords import PIN_SCRYPT_N, SCRYPT_N, hash_secret
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import School, Teacher
from mcdesk.server.pins import PinToSettle, settle_pins
from mcdesk.server.roster import import_roster_csv

SAMPLE = 40
LAST_PIN_N = 2**12  # the roster PIN cost before issue 11's second pass


def roster_text(count: int) -> str:
    lines = ["class,learner,external_id,pin"]
    lines += [
        f"Class {n // 30:03d},Learner {n:05d},S-{n:05d},{(n * 7919) % 10000:04d}"
        for n in range(count)
    ]
    return "\n".join(lines) + "\n"


def serial_hash_seconds(n: int) -> float:
    start = time.perf_counter()
    for index in range(SAMPLE):
        hash_secret(f"{index:04d}", n=n)
    return (time.perf_counter() - start) / SAMPLE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--db", help="a server database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL cluster (fsync on)"
    )
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    text = roster_text(args.learners)
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        url = args.db or f"sqlite:///{Path(folder) / 'server.sqlite3'}"
        if args.postgres:
            sys.path.insert(0, str(ROOT))  # tests/server/postgres.py
            from stations import postgres

            from tests.server.postgres import create_database

            port, _ = stack.enter_context(postgres(fsync=True))
            url = create_database(port, "roster_bench")
        engine = make_engine(url)
        try:
            migrate(engine)
            with Session(engine) as session:
                session.add(School(id="school-1", name="Bench High"))
                session.flush()
                session.add(
                    Teacher(id="t-1", school_id="school-1", username="lee", display_name="Lee")
                )
                session.commit()
                start = time.perf_counter()
                report = import_roster_csv(
                    session, school_id="school-1", text=text, now=datetime.now(UTC)
                )
                seconds = time.perf_counter() - start
        finally:
            engine.dispose()
    assert report.created == args.learners
    start = time.perf_counter()
    settle_pins([PinToSettle(f"{(n * 7919) % 10000:04d}", None) for n in range(args.learners)])
    pool_seconds = time.perf_counter() - start
    pin_hash = serial_hash_seconds(PIN_SCRYPT_N)
    old_hash = serial_hash_seconds(SCRYPT_N)
    last_hash = serial_hash_seconds(LAST_PIN_N)
    floor = pin_hash * args.learners / cores
    table(
        f"Roster import: {args.learners:,} learners with PINs into {url.split(':')[0]} "
        f"({cores} cores, "
        f"load average {os.getloadavg()[0]:.1f})",
        [
            (
                "import_roster_csv, whole",
                f"{seconds:.1f} s",
                f"PIN hashes alone over {cores} cores {floor:.1f} s",
                f"{seconds / floor:.2f}",
                "≤ 30 s",
            ),
            (
                "  the same PINs hashed alone on the import's pool, just after",
                f"{pool_seconds:.1f} s",
                "",
                f"import {seconds / pool_seconds:.2f}× this",
                "reported",
            ),
            (
                f"  one PIN hash (n=2^{PIN_SCRYPT_N.bit_length() - 1})",
                f"{pin_hash * 1000:.1f} ms",
                "",
                "",
                "reported",
            ),
            (
                "  before: PIN hashes alone at n=2^12 over the cores",
                f"{last_hash * args.learners / cores:.1f} s ({last_hash * 1000:.1f} ms each)",
                "",
                "",
                "reported",
            ),
            (
                f"  before that: serial at n=2^{SCRYPT_N.bit_length() - 1}",
                f"{old_hash * args.learners:.0f} s ({old_hash * 1000:.1f} ms each)",
                "",
                "",
                "reported",
            ),
        ],
    )


if __name__ == "__main__":
    main()
