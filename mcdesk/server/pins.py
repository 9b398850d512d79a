"""Learner PIN hashes for a roster import, spread over the machine's cores.

Each hash is one scrypt run (``mcdesk.passwords.hash_pin``), which holds a core for
~12 ms; a roster of thousands is hashed by a pool of processes, one per core, started
fresh ("spawn": the parent may hold threads and database connections) and gone when the
import has its hashes. Small rosters are hashed in process: starting the pool costs more.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from mcdesk.passwords import hash_pin, verify_secret

POOL_FROM = 64  # PINs; below this, one process is faster than starting a pool
CHUNK = 32


@dataclass(frozen=True, slots=True)
class PinToSettle:
    """A PIN a learner should end up with, and the hash they have now (None for none)."""

    pin: str
    stored: str | None


def settle_pin(job: PinToSettle) -> str | None:
    """A new hash for ``job.pin``, or None when the stored hash already matches it."""
    if job.stored is not None and verify_secret(job.pin, job.stored):
        return None
    return hash_pin(job.pin)


def settle_pins(jobs: list[PinToSettle], *, processes: int | None = None) -> list[str | None]:
    """``settle_pin`` for every job, in order; on all cores once there are enough."""
    workers = min(processes or os.cpu_count() or 1, max(1, len(jobs) // CHUNK))
    if len(jobs) < POOL_FROM or workers == 1:
        return [settle_pin(job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(settle_pin, jobs, chunksize=CHUNK))
