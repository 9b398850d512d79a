"""Kill a running exam with SIGKILL at random moments: nothing acknowledged is lost.

The child (``crash_child.py``) prints a line after each durable step. After each kill
the parent reopens the store and checks: integrity, every acknowledged answer (or a
newer one that was being saved when the kill came), and the remaining time after a
resume within 1 s of (limit − the last elapsed time the child acknowledged).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.eventlog import verify_log
from mcdesk.keys import write_private_key
from tests.exam.conftest import FakeMonotonic, begin
from tests.exam.crash_child import BANK, BLUEPRINT

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("MCDESK_CRASH_KILLS", "50"))
LIMIT_S = 60 * 60.0


@dataclass
class Acknowledged:
    """What the children said was durable, in order."""

    answers: dict[str, object] = field(default_factory=dict)
    in_flight: dict[str, object] = field(default_factory=dict)  # tried after the last ack
    elapsed: float = 0.0
    acks: int = 0

    def read(self, output: str) -> None:
        complete = output[: output.rfind("\n") + 1]  # a line cut by the kill was never said
        for line in complete.splitlines():
            words = line.split(" ")
            if words[0] == "try":
                self.in_flight[words[1]] = json.loads(words[2])
            elif words[0] == "ack":
                self.answers[words[1]] = json.loads(words[2])
                self.in_flight.pop(words[1], None)
                self.elapsed = float(words[3])
                self.acks += 1
            elif words[0] == "cp":
                self.elapsed = float(words[1])


def _run_child(database: Path, key_file: Path, attempt_id: str, run: int, delay: float) -> str:
    argv = [sys.executable, "-m", "tests.exam.crash_child", str(database), str(key_file)]
    child = subprocess.Popen(
        [*argv, attempt_id, str(run)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err  # it must not have died on its own
    return out


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_acknowledged(
    store: Path, station_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    key_file = tmp_path / "station.key"
    write_private_key(key_file, station_key)
    mono = FakeMonotonic()
    engine = ExamEngine(database=store, station_key=station_key, monotonic=mono)
    attempt_id = begin(engine, bank=BANK, blueprint=BLUEPRINT)
    engine.close()
    said = Acknowledged()
    rng = random.Random(20261123)
    for run in range(KILLS):
        output = _run_child(store, key_file, attempt_id, run, delay=rng.uniform(0.0, 0.6))
        said.read(output)
        with sqlite3.connect(store) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
        engine = ExamEngine(database=store, station_key=station_key, monotonic=mono)
        engine.load(attempt_id, blueprint=BLUEPRINT, bank=BANK)
        stored = engine.answers
        for item_id, response in said.answers.items():
            assert stored[item_id] in (response, said.in_flight.get(item_id)), (run, item_id)
        engine.unlock(attempt_id, action="resume", counter=10_000 + run)
        engine.resume()
        assert abs(engine.remaining_s() - (LIMIT_S - said.elapsed)) <= 1.0, run
        # What the store holds is now the truth the next child starts from.
        said.answers, said.in_flight = dict(stored), {}
        said.elapsed = engine.elapsed_s()
        engine.close()
    assert said.acks > KILLS  # most children got well into the exam before the kill
    with sqlite3.connect(store) as connection:
        assert verify_log(connection, station_key.public_key()) == []
    connection.close()
