"""A throwaway PostgreSQL cluster on loopback, for the server tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path:
    """PostgreSQL's newest bin dir, installed with apt-get when missing (CI runs as root)."""
    for _ in range(2):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if found:
            return found[-1]
        # Never skip: a server test that silently did not run PostgreSQL proves nothing.
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
    raise RuntimeError("PostgreSQL is not installed (see scripts/install-system-deps.sh --tests)")


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root; as any other user it runs as that user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running_cluster() -> Iterator[int]:
    """Start a cluster in a fresh folder; yields its port; stops it by PID and removes it."""
    pgbin = postgres_bin()
    # Not pytest's tmp_path: its parents are root-only, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="mcdesk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    subprocess.run(
        _as_postgres([str(pgbin / "initdb"), "-D", str(data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"]),
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres([str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(root / "log"),
                      "-w", "-o", options, "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    try:
        yield port
    finally:
        os.kill(pid, signal.SIGINT)  # fast shutdown of the postmaster we started
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)


def create_database(port: int, name: str) -> str:
    """A new empty database on the cluster; its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')  # name is ours, not user input
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"
