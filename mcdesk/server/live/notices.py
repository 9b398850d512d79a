"""Telling every board that live state changed: PostgreSQL LISTEN/NOTIFY, or in-process.

On PostgreSQL a report's transaction runs ``pg_notify`` and commits with it; each worker
process keeps one listening connection on a thread of its own and wakes the boards it
serves. So several workers, or several hosts on one database, all hear every change,
and no broker or shared memory is needed. On SQLite (the embedded, one-process server)
the route wakes the boards itself after its commit.

Waking only says "something changed": a board then reads the tiles it may see from the
database, so a notice carries no data and needs no access check.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

CHANNEL = "mcdesk_live"
LISTEN_POLL_S = 1.0  # how often the listener thread checks whether it should stop


class LiveNotices:
    """One per worker process: ``changed`` after a report, ``wait`` in a board's request."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Future[None]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.heard = 0  # notices heard by this process (tests and the benchmark read it)

    @property
    def through_database(self) -> bool:
        return self._postgres

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        if self._postgres:
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._listen, args=(ready,), name="live-listen", daemon=True
            )
            self._thread.start()
            ready.wait(10)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(LISTEN_POLL_S * 3)

    def changed(self, session: Session) -> None:
        """Inside the report's transaction, before its commit (PostgreSQL sends it then)."""
        if self._postgres:
            session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})

    def committed(self) -> None:
        """After the report's commit: on SQLite, wake this process's boards."""
        if not self._postgres:
            self._wake_threadsafe()

    async def wait(self, timeout: float) -> bool:
        """Until the next change or ``timeout`` seconds; whether a change came."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiters.add(future)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return False
        finally:
            self._waiters.discard(future)
        return True

    def _wake_threadsafe(self) -> None:
        self.heard += 1
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed at shutdown
                self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for future in waiters:
            if not future.done():
                future.set_result(None)

    def _listen(self, ready: threading.Event) -> None:
        import psycopg  # only on PostgreSQL

        url = self._engine.url.set(drivername="postgresql")
        conninfo: Any = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    while not self._stop.is_set():
                        for _notice in connection.notifies(timeout=LISTEN_POLL_S):
                            self._wake_threadsafe()
            except psycopg.OperationalError:
                # The database went away: boards fall back to their periodic refresh.
                ready.set()
                self._stop.wait(LISTEN_POLL_S)
