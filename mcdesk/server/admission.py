"""How many requests may hold a database session at once, and what the others are told.

Why: a request's dependencies and route run as several thread calls, and the session
keeps its connection between them. With more requests than connections, every thread
could end up waiting for a connection held by a request that waits for a thread: the
pool deadlocked until its timeout and answered 500. A request now takes one of
``slots`` places *before* its first thread call and keeps it until its session is
closed; the pool has a connection for every place and the thread limiter a thread for
every place, so an admitted request never waits for either. The rest queue on the event
loop (no thread, no connection, body unread) for at most ``wait_seconds``, and past
``max_waiting`` or that wait they get ``503`` with ``Retry-After``: stations back off
and push again, and nothing is lost.

Retry-After grows with the crowd: it is the time the places need to serve everyone
turned away in the last ``WINDOW_SECONDS`` (at the average time a place is held), with
jitter, so turned-away stations come back at about the rate the places free up. A
fixed delay made a thousand stations knock 200 times a second at a worker serving 40,
and answering them starved the work itself.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import anyio.to_thread

from mcdesk.errors import McdeskError

# Per worker process. PostgreSQL's default max_connections is 100: 4 workers use 60.
DB_SLOTS = 10
# Threads for work that holds no place (health checks, closing sessions, body reads).
SPARE_THREADS = 10
# Well inside a station's 10 s per exchange (mcdesk.sync.round.REQUEST_TIMEOUT): a station
# told 503 backs off cleanly, one that times out counts a failure.
WAIT_SECONDS = 5.0
MAX_WAITING = 200
RETRY_AFTER_SECONDS = 5  # the least a turned-away request is told to wait
MAX_RETRY_AFTER_SECONDS = 300  # a station's own backoff cap (mcdesk.sync.backoff)
WINDOW_SECONDS = 10.0


class Overloaded(McdeskError):
    """Every place is taken and the queue is full or too slow: answer 503, try later."""

    def __init__(self, reason: str, *, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(slots=True)
class Admission:
    """The places one worker process has for requests that use the database."""

    slots: int = DB_SLOTS
    wait_seconds: float = WAIT_SECONDS
    max_waiting: int = MAX_WAITING
    retry_after: int = RETRY_AFTER_SECONDS
    _places: anyio.Semaphore | None = field(default=None, init=False)
    _hold_seconds: float = field(default=0.1, init=False)  # moving average per request
    _turned_away: deque[float] = field(default_factory=deque, init=False)

    def start(self) -> None:
        """Make the places and widen the thread limiter; call inside the event loop."""
        self._places = anyio.Semaphore(self.slots)
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, self.slots + SPARE_THREADS)

    def retry_after_now(self) -> int:
        """Seconds to tell a turned-away request: enough for the crowd before it, jittered."""
        now = time.monotonic()
        turned = self._turned_away
        while turned and turned[0] < now - WINDOW_SECONDS:
            turned.popleft()
        turned.append(now)
        needed = len(turned) * self._hold_seconds / self.slots
        wait = max(self.retry_after, needed) * random.uniform(1.0, 1.5)
        return min(MAX_RETRY_AFTER_SECONDS, math.ceil(wait))

    def _overloaded(self, reason: str) -> Overloaded:
        return Overloaded(reason, retry_after=self.retry_after_now())

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold one place for the body of the ``async with``; ``Overloaded`` if none comes."""
        places = self._places
        if places is None:
            raise RuntimeError("Admission.start() was not called")
        if places.value == 0 and places.statistics().tasks_waiting >= self.max_waiting:
            raise self._overloaded(
                f"the server is busy ({self.max_waiting} requests waiting); try again"
            )
        acquired = False
        with anyio.move_on_after(self.wait_seconds):
            await places.acquire()
            acquired = True
        if not acquired:
            raise self._overloaded(
                f"the server is busy (no place within {self.wait_seconds:g} s); try again"
            )
        start = time.monotonic()
        try:
            yield
        finally:
            places.release()
            held = time.monotonic() - start
            self._hold_seconds += 0.1 * (held - self._hold_seconds)
