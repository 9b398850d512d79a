"""A fresh station joins a server: `mcdesk station enroll` and `mcdesk station provision`.

Each is the real command in a fresh process with a fresh `MCDESK_HOME`, timed from
launch to exit, against `mcdesk server` (one worker, a subprocess) on a throwaway
PostgreSQL on loopback. The school has a teacher, a 30-learner roster and one published
micro-credential (the bundled `access-control-lists`, with its key), so the first sync
brings the roster, the code slots, the wrapped pack key and the pack itself, as in a
school. Enrolment prints a line per stage on stderr; the bench keeps the last run's
lines and checks every stage was shown. Two figures for enrolment: launch → the
"enrolment done" line (roster, codes and pack keys stored: the station can be used),
read from stderr as it comes, and launch → exit (the pack downloaded and installed,
its progress shown meanwhile).

The floor, same run: `python -m mcdesk --version` (the interpreter and the command
line's parser, nothing done). Bytecode is cached (`PYTHONPYCACHEPREFIX`), warmed by one
discarded run of each command, as an installed app has it. Targets (issue 11): enroll
≤ 5 s with progress shown, provision ≤ 2 s. Loopback only; the server and the cluster
are stopped by PID.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from measure import ROOT, table
from stations import bundled_paper, mcdesk_server, postgres, publish

ROSTER = "class,learner,pin\n" + "".join(
    f"Lab {n % 2},Learner {n:02d},{1000 + n}\n" for n in range(30)
)
CACHE = Path(tempfile.gettempdir()) / "mcdesk-bench-joining-pycache"
STAGES = ("preparing", "asking", "push", "pull", "enrolment done", "content", "packs:", "done")
ENROLLED = "enrolment done"  # the stderr line that says roster, codes and keys are here


def run(
    argv: list[str], home: Path, *, mark: str = ""
) -> tuple[float, subprocess.CompletedProcess[str], float | None]:
    """Launch to exit; and launch to the first stderr line holding ``mark``, as it came."""
    # An installed app has its bytecode: cache it (PYTHONDONTWRITEBYTECODE may be set).
    env = {**os.environ, "MCDESK_HOME": str(home), "PYTHONPYCACHEPREFIX": str(CACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    marked, err = None, []
    with subprocess.Popen(
        [sys.executable, "-m", "mcdesk", *argv], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as child:  # fmt: skip
        assert child.stderr is not None
        assert child.stdout is not None
        for line in child.stderr:  # stdout is small: the pipe cannot fill meanwhile
            err.append(line)
            if marked is None and mark and mark in line:
                marked = time.perf_counter() - start
        out = child.stdout.read()
        code = child.wait(timeout=300)
    seconds = time.perf_counter() - start
    done = subprocess.CompletedProcess(argv, code, out, "".join(err))
    if code != 0:
        raise SystemExit(f"mcdesk {' '.join(argv[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done, marked


def prepare_school(url: str, runs: int, folder: Path) -> tuple[list[str], list[Path]]:
    """School, teacher, roster; ``runs`` enrolment tokens and provisioning files."""
    from sqlmodel import Session

    from mcdesk.protocol.files import write_private
    from mcdesk.server.db import make_engine
    from mcdesk.server.enrolment import new_enrol_token
    from mcdesk.server.provision import provision_station
    from mcdesk.server.roster import import_roster_csv
    from mcdesk.server.schools import add_school, add_teacher

    engine = make_engine(url)
    now = datetime.now(UTC)
    tokens, files = [], []
    try:
        with Session(engine) as session:
            school = add_school(session, name="Joining High", now=now)
            school_id = school.id
            add_teacher(
                session, school_id=school_id, username="lee", display_name="Lee",
                password="a long bench passphrase", now=now,
            )  # fmt: skip
            session.commit()
            import_roster_csv(session, school_id=school_id, text=ROSTER, now=now)
            for n in range(runs):
                tokens.append(
                    new_enrol_token(
                        session,
                        school_id=school_id,
                        station_name=f"Lab E{n}",
                        ttl=timedelta(hours=1),
                        now=now,
                    )
                )
                made = provision_station(
                    session, school_id=school_id, station_name=f"Lab P{n}",
                    server_url=None, now=now,
                )  # fmt: skip
                session.commit()
                files.append(folder / f"lab-p{n}.mcprovision")
                write_private(files[-1], made.data)
    finally:
        engine.dispose()
    return tokens, files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="fresh stations of each kind")
    parser.add_argument("--pack", default="access-control-lists", help="a bundled pack id")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # tests/server/postgres.py
    from tests.server.postgres import create_database

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as name, postgres(fsync=True) as (port, _):
        folder = Path(name)
        url = create_database(port, "joining")
        _, pack_file, key_file = bundled_paper(args.pack)
        (folder / "server").mkdir()
        with mcdesk_server(url, workers=1, home=folder / "server") as (base_url, _pid):
            publish(url, pack_file, key_file)  # once the server has made its tables
            tokens, files = prepare_school(url, args.runs + 1, folder)
            floor = [run(["--version"], folder / "floor")[0] for _ in range(args.runs + 1)][1:]
            enrol, enrolled, provision, shown, brought, provisioned = [], [], [], "", [], ""
            # Provisioning first, while the server is idle: a USB-stick provision talks to
            # no server, and in a lab the server is another machine. Timed after an
            # enrolment, it shared these 2 cores with the server sealing that station's
            # code slots (scrypt) and measured that instead (2.7 s against 0.75 s alone).
            for n in range(args.runs + 1):  # the first warms the bytecode cache
                seconds, done, _ = run(
                    ["station", "provision", str(files[n])], folder / f"prov-{n}"
                )
                provision.append(seconds) if n else None
                provisioned = done.stdout + done.stderr
            for n in range(args.runs + 1):  # the first of each warms the bytecode cache
                seconds, done, marked = run(
                    ["station", "enroll", "--server", base_url, "--token", tokens[n]],
                    folder / f"enrol-{n}",
                    mark=ENROLLED,
                )
                if marked is None:
                    raise SystemExit(f"enrolment never said {ENROLLED!r}:\n{done.stderr}")
                if n:
                    enrol.append(seconds)
                    enrolled.append(marked)
                shown = done.stderr
                slots = re.search(r"code_slots (\d+)", done.stdout)
                if slots is None or not int(slots[1]) or args.pack not in done.stdout:
                    raise SystemExit(
                        f"the first sync did not bring it all:\n{done.stdout}{done.stderr}"
                    )
                brought.append(int(slots[1])) if n else None
    lines = [line for line in shown.splitlines() if line.startswith("[")]
    missing = [stage for stage in STAGES if not any(stage in line for line in lines)]
    if missing:
        raise SystemExit(f"enrolment did not show {missing}:\n{shown}")
    base = statistics.median(floor)

    def row(what: str, samples: list[float], target: str) -> tuple[str, ...]:
        median = statistics.median(samples)
        return (
            what, f"{median:.2f} s (max {max(samples):.2f})", f"--version {base:.2f} s",
            f"{median / base:.1f}", target,
        )  # fmt: skip

    table(
        f"A fresh station joins: median of {args.runs}, server on PostgreSQL (1 worker), "
        f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}",
        [
            row("station enroll → enrolment done", enrolled, "≤ 5 s, progress shown"),
            row("station enroll, whole (+ packs)", enrol, "reported"),
            row("station provision", provision, "≤ 2 s"),
        ],
    )
    print(
        f"\nCode slots in each enrolment's first sync: {brought} (the rest of the 40 come "
        "with the next sync, as the server's sealer makes them)"
    )
    print("\nWhat provisioning said (last run):\n" + provisioned)
    print("\nWhat enrolment showed (last run):\n" + "\n".join(f"    {line}" for line in lines))


if __name__ == "__main__":
    main()
