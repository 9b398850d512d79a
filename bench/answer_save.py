"""Saving an answer: `ExamEngine.answer()` returns only once the answer is durable.

The figure is the latency of `answer()` on a running attempt: one BEGIN IMMEDIATE
transaction holding the answer upsert, the attempt's clock, and the signed, hash-chained
event (SHA-256 + Ed25519), committed with WAL and `synchronous=FULL`. The floor is the
least any durable save can cost on this disk: a raw sqlite3 INSERT + COMMIT of a similar
row with the same pragmas, in a database beside the store. Runs alternate so machine
noise hits both alike. Target (assessment issue): p99 ≤ 3× the floor's p99.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from measure import percentile, table

from mcdesk.exam.engine import ExamEngine
from mcdesk.paths import resolve_paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import connect

SKILLS = ("measure", "area", "estimate", "convert")


def bank() -> list[dict[str, Any]]:
    """Single-choice items, 10 per skill (the item type does not change the save path)."""
    options = [{"id": letter, "text": f"option {letter}"} for letter in "abcd"]
    return [
        {
            "id": f"{skill}-{n}",
            "skill": skill,
            "type": "single_choice",
            "prompt": f"Question {n} on {skill}",
            "options": options,
            "answer": "b",
            "feedback": "Because.",
        }
        for skill in SKILLS
        for n in range(10)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["MCDESK_HOME"] = home
        paths = resolve_paths()
        open_store(paths, now=datetime.now(UTC))
        engine = ExamEngine(database=paths.database, station_key=Ed25519PrivateKey.generate())
        blueprint = {
            "time_limit_minutes": 600,
            "proficiency_level": 0.75,
            "items_per_skill": 10,
            "retake": {"requires_review": True, "max_attempts_per_day": 2},
        }
        attempt_id = engine.create_attempt(
            learner_id="bench",
            pack_id="bench",
            pack_version="1.0.0",
            blueprint=blueprint,
            bank=bank(),
        )
        engine.unlock(attempt_id, action="start", counter=1)
        engine.start()
        items = [item["id"] for item in engine.form["items"]]
        floor_db = connect(Path(home) / "floor.sqlite3")
        floor_db.execute(
            "CREATE TABLE answer (attempt_id TEXT, item_id TEXT, response TEXT, saved_at TEXT, "
            "PRIMARY KEY (attempt_id, item_id))"
        )
        floor_db.commit()
        ours, floor = [], []
        for n in range(args.answers):
            item_id, response = items[n % len(items)], "abcd"[n % 4]
            t0 = time.perf_counter()
            floor_db.execute(
                "INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?)",
                (attempt_id, item_id, f'"{response}"', datetime.now(UTC).isoformat()),
            )
            floor_db.commit()
            t1 = time.perf_counter()
            engine.answer(item_id=item_id, response=response)
            t2 = time.perf_counter()
            floor.append((t1 - t0) * 1000)
            ours.append((t2 - t1) * 1000)
        engine.close()
        floor_db.close()
    p50, f50 = percentile(ours, 0.5), percentile(floor, 0.5)
    p99, f99 = percentile(ours, 0.99), percentile(floor, 0.99)
    table(
        f"Answer save, {args.answers} answers (durable before return)",
        [
            ("answer() p50", f"{p50:.2f} ms", f"{f50:.2f} ms", f"{p50 / f50:.1f}", ""),
            (
                "answer() p99",
                f"{p99:.2f} ms",
                f"{f99:.2f} ms",
                f"{p99 / f99:.1f}",
                "p99 ≤ 3× floor",
            ),
        ],
    )


if __name__ == "__main__":
    main()
