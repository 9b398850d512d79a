"""Simulated stations and the server they talk to, shared by ingest.py and load.py.

Stations are real: a SQLite store per station with attempts at a bundled pack sat,
signed and queued as the exam ledger does (tests/sync/results.py), so every result and
exam-log entry carries the station key's signature. The server is `python -m mcdesk
server --workers N` on a throwaway PostgreSQL cluster on loopback, stopped by PID.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.results import ExamResult

if TYPE_CHECKING:
    from tests.sync.results import Paper

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class BenchStation:
    id: str
    key: Ed25519PrivateKey
    events: list[dict[str, Any]]  # the outbox, in the push request's shape, seq order
    results: list[ExamResult]
    log_signatures: list[tuple[bytes, bytes]]  # (signature, hash) of each exam-log entry


# --- a throwaway PostgreSQL (tests/server/postgres.py's recipe, with fsync a choice) ---


@contextmanager
def postgres(*, fsync: bool) -> Iterator[tuple[int, int]]:
    """A fresh cluster on loopback; yields (port, postmaster pid); stops it by that pid."""
    from tests.server.postgres import free_port, postgres_bin

    def as_postgres(command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    pgbin, root = postgres_bin(), Path(tempfile.mkdtemp(prefix="mcdesk-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    subprocess.run(
        as_postgres([str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                     "-E", "UTF8", "--locale=C.UTF-8", "-N"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    options += "" if fsync else " -c fsync=off"
    subprocess.run(
        as_postgres([str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                     "-o", options, "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    try:
        yield port, pid
    finally:
        os.kill(pid, signal.SIGINT)  # fast shutdown of the postmaster started above
        wait_gone(pid)
        shutil.rmtree(root, ignore_errors=True)


def wait_gone(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


# --- CPU seconds of a process tree, from /proc (Linux) ---


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from "state" on


def _tree(root: int) -> tuple[set[int], dict[int, list[str]]]:
    parents: dict[int, int] = {}
    fields: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)], fields[int(entry.name)] = int(stat[1]), stat
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | found, bool(found)
    return tree, fields


def tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and every live descendant, MiB."""
    tree, fields = _tree(root)
    return sum(int(fields[pid][21]) for pid in tree if pid in fields) * PAGE_BYTES / 2**20


def tree_cpu_seconds(root: int) -> float:
    """CPU time of ``root`` and every live descendant, plus children it has reaped."""
    tree, fields = _tree(root)
    ticks = sum(int(fields[pid][11]) + int(fields[pid][12]) for pid in tree if pid in fields)
    if root in fields:
        ticks += int(fields[root][13]) + int(fields[root][14])  # reaped children
    return ticks / CLOCK_TICK


def _pin_tasks(pid: int, cpus: set[int]) -> None:
    """Every thread of ``pid`` onto ``cpus``; threads and processes it starts later inherit it."""
    try:
        tasks = [int(entry.name) for entry in Path(f"/proc/{pid}/task").iterdir()]
    except FileNotFoundError:
        return  # gone since the tree was read
    for task in tasks:
        try:
            os.sched_setaffinity(task, cpus)
        except (ProcessLookupError, PermissionError):
            continue  # ended meanwhile


def pin_tree(root: int, cpus: set[int]) -> None:
    """``root``, every live descendant and all their threads, onto ``cpus``."""
    tree, _fields = _tree(root)
    for pid in tree:
        _pin_tasks(pid, cpus)


def pin_self(cpus: set[int]) -> None:
    """This process (the pushing stations' client) onto ``cpus``."""
    _pin_tasks(os.getpid(), cpus)


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


# --- the server under test ---


@contextmanager
def mcdesk_server(database_url: str, *, workers: int, home: Path) -> Iterator[tuple[str, int]]:
    """`python -m mcdesk server` as a subprocess; yields (base URL, its pid) once ready."""
    from tests.server.postgres import free_port

    port = free_port()
    env = {**os.environ, "MCDESK_HOME": str(home)}
    argv = [sys.executable, "-m", "mcdesk", "server", "--db", database_url,
            "--workers", str(workers), "--port", str(port)]  # fmt: skip
    with (home / f"server-{workers}.log").open("wb") as log:
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not ready(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base_url, process.pid
    except BaseException:
        log_text = (home / f"server-{workers}.log").read_text(errors="replace")
        print(f"--- server log (last 3,000 characters) ---\n{log_text[-3000:]}", file=sys.stderr)
        raise
    finally:
        process.send_signal(signal.SIGINT)  # uvicorn stops its workers, then itself
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ready(base_url: str) -> bool:
    try:
        return requests.get(base_url + "/api/v1/ready", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def register(database_url: str, stations: list[BenchStation]) -> None:
    """Register every station's key directly in the server database (as tests do)."""
    from sqlmodel import Session

    from mcdesk.keys import public_key_b64
    from mcdesk.server.admin import register_station
    from mcdesk.server.db import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            for station in stations:
                register_station(
                    session,
                    station_id=station.id,
                    name=f"Bench {station.id}",
                    public_key_b64=public_key_b64(station.key.public_key()),
                    now=datetime.now(UTC),
                )
    finally:
        engine.dispose()


# --- the work: real station outboxes, made before the clock starts ---


def bundled_paper(pack_id: str) -> tuple[Paper, Path, Path]:
    """A bundled pack's opened bank and blueprint; its .mcpack and pack-key files."""
    from mcdesk.content.bundled import read_bundled_index
    from mcdesk.content.sealing import bank_aad, read_pack_key, unseal
    from mcdesk.content.verify import verify_pack
    from mcdesk.paths import bundled_catalog_dir
    from mcdesk.server.publish import bundled_pack_key, server_trusted_publishers

    entry = next(e for e in read_bundled_index(bundled_catalog_dir()) if e.id == pack_id)
    key_file = bundled_pack_key(pack_id)
    if key_file is None:
        raise SystemExit(f"{pack_id} ships no demo pack key: pick another with --pack")
    pack = verify_pack(entry.file, trusted=server_trusted_publishers())
    assessment = pack.manifest["assessment"]
    sealed = pack.files[assessment["bank"]["path"]]
    plain = unseal(sealed, pack_key=read_pack_key(key_file), aad=bank_aad(pack_id, entry.version))
    from tests.sync.results import Paper

    paper = Paper(pack_id, entry.version, assessment, json.loads(plain)["items"])
    return paper, entry.file, key_file


def publish(database_url: str, pack_file: Path, key_file: Path) -> None:
    """Publish the pack with its key, so the server can re-score results on arrival."""
    from sqlmodel import Session

    from mcdesk.server.db import make_engine
    from mcdesk.server.publish import publish_file, server_trusted_publishers

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            trusted = server_trusted_publishers()
            now = datetime.now(UTC)
            publish_file(session, path=pack_file, pack_key_path=key_file, trusted=trusted, now=now)
    finally:
        engine.dispose()


def outbox_events(database: Path) -> list[dict[str, Any]]:
    """A station's outbox rows in the push request's shape, as push_once sends them."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT id, seq, kind, body FROM outbox ORDER BY seq").fetchall()
    return [
        {
            "id": event_id,
            "seq": seq,
            "kind": kind,
            "body": bytes(body).decode("utf-8"),
            "body_sha256": hashlib.sha256(bytes(body)).hexdigest(),
        }
        for event_id, seq, kind, body in rows
    ]


def make_stations(
    folder: Path, count: int, results: int, paper: Paper, *, with_log: bool
) -> list[BenchStation]:
    """``count`` station stores, each holding ``results`` sat, signed and queued results."""
    from mcdesk.store.migrate import upgrade
    from tests.sync.results import sit_exams

    template = folder / "template.sqlite3"
    upgrade(template)
    stations = []
    for n in range(count):
        station_id, key = f"bench-{n:02d}", Ed25519PrivateKey.generate()
        database = folder / f"{station_id}.sqlite3"
        shutil.copyfile(template, database)
        made = sit_exams(
            database,
            key=key,
            station_id=station_id,
            count=results,
            seed=n,
            start=START,
            paper=paper,
            with_log=with_log,
        )
        log: list[tuple[bytes, bytes]] = []
        if with_log:
            with closing(sqlite3.connect(database)) as db:
                rows = db.execute("SELECT signature, hash FROM exam_event").fetchall()
            log = [(bytes(signature), bytes.fromhex(digest)) for signature, digest in rows]
        stations.append(BenchStation(station_id, key, outbox_events(database), made, log))
    return stations


def batches(events: list[dict[str, Any]], size: int) -> list[bytes]:
    return [
        json.dumps({"events": events[i : i + size]}).encode("utf-8")
        for i in range(0, len(events), size)
    ]
