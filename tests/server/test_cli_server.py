"""`mcdesk server` starts uvicorn with the factory, migrated, on the given address."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.server.postgres import free_port


def test_mcdesk_server_serves_a_migrated_database(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "srv.sqlite3"
    env = {**os.environ, "MCDESK_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "mcdesk", "server", "--db", f"sqlite:///{database}"]
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                response = requests.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "mcdesk server did not start"
                time.sleep(0.1)
        assert response.status_code == 200
        assert database.exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
