"""One sync round: trust the server's key, then run the sync steps in order.

A round is explicit, named, ordered stages over one ``RoundContext``: ``pin`` (this
station's identity, the server's key fetched and pinned) builds the context, then
``STEPS`` (push, pull, content) each take it and return their report. Each stage that
runs to its end is recorded (``last_finished_stage``), so a round stopped part-way says
where. Push comes first: the server refills code slots
from the code use a push reports, so the pull after it brings the refill at once.
The round records its attempt, success or failure in ``sync_state`` so the app and
``mcdesk sync`` can say how sync stands. Nothing here sleeps or starts threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from mcdesk.exam.logpush import queue_log
from mcdesk.keys import KeyFileError, PublisherKey, load_trusted_publishers, read_private_key
from mcdesk.paths import bundled_publishers_dir, resolve_paths
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Station, SyncState
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.client import PushReport, SyncError, fetch_server_key, pending_count, push_once
from mcdesk.sync.content import ContentReport, fetch_content
from mcdesk.sync.pinning import enrolled_server_url, pin_server_key
from mcdesk.sync.pull import PullReport, pull_streams
from mcdesk.sync.status import (
    LAST_ATTEMPT_KEY,
    LAST_ERROR_KEY,
    LAST_REFUSED_KEY,
    LAST_STAGE_KEY,
    LAST_SUCCESS_KEY,
)

REQUEST_TIMEOUT = 10.0  # seconds per HTTP exchange
PULL_TIMEOUT = 30.0  # a code-slot page may make the server seal new slots first
PIN_STAGE = "pin"  # the stage before the steps: it builds the RoundContext


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a stage is: ``push`` counts events, ``content`` counts bytes."""

    stage: str
    done: int
    total: int
    detail: str = ""


ProgressSink = Callable[[Progress], None]


def _ignore(_progress: Progress) -> None:
    pass


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RoundContext:
    """What every step may use; the server key is already pinned and checked."""

    database: Path
    station_id: str
    station_key: Ed25519PrivateKey
    server_url: str
    server_public_key: Ed25519PublicKey
    http: requests.Session
    progress: ProgressSink = _ignore
    now: Callable[[], datetime] = _utc_now
    timeout: float = REQUEST_TIMEOUT


@dataclass(frozen=True, slots=True)
class Step:
    """One stage of a round; ``name`` is also its ``Progress.stage`` and its report's key."""

    name: str
    run: Callable[[RoundContext], object]


@dataclass(slots=True)
class RoundReport:
    """What each step of one round reported, by step name."""

    server_url: str
    results: dict[str, object] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)  # stage names, in the order they ended

    def finish(self, database: Path, stage: str) -> None:
        """Note a stage that ran to its end, here and in ``sync_state``."""
        self.finished.append(stage)
        _record(database, {LAST_STAGE_KEY: stage})

    @property
    def push(self) -> PushReport:
        report = self.results.get("push")
        return report if isinstance(report, PushReport) else PushReport()


class RoundCancelled(Exception):
    """The app is closing: the round stopped before its next request; nothing was recorded."""


class CancellableSession(requests.Session):
    """A session that refuses to start a request once cancelled (``cancel`` or the event).

    Either may come from any thread; a request already under way still runs to its
    answer or its timeout.
    """

    def __init__(self, cancelled: threading.Event | None = None) -> None:
        super().__init__()
        self._cancelled = cancelled or threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self._cancelled.is_set():
            raise RoundCancelled()
        return super().send(request, **kwargs)


def push_step(context: RoundContext) -> PushReport:
    """Push every unsent outbox event; progress counts events."""
    engine = make_engine(context.database)
    try:
        with Session(engine) as db:
            total = pending_count(db)
    finally:
        engine.dispose()
    context.progress(Progress("push", 0, total, f"sending {total} records"))
    report = push_once(
        database=context.database,
        station_key=context.station_key,
        station_id=context.station_id,
        server_url=context.server_url,
        server_public_key=context.server_public_key,
        session=context.http,
        timeout=context.timeout,
        now=context.now,
    )
    sent = report.accepted + report.duplicate
    context.progress(Progress("push", sent, total, f"{sent} of {total} records sent"))
    return report


def queue_exam_log(database: Path, now: datetime) -> None:
    """Queue exam-log entries not queued yet (an attempt left unfinished has no result)."""
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            queue_log(raw, now=now)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def push_log_step(context: RoundContext) -> PushReport:
    queue_exam_log(context.database, context.now())
    return push_step(context)


def pull_step(context: RoundContext) -> PullReport:
    """Every pull stream to its end (after the push: code refills follow pushed code use)."""
    return pull_streams(
        database=context.database,
        station_key=context.station_key,
        station_id=context.station_id,
        server_url=context.server_url,
        server_public_key=context.server_public_key,
        appliers=STREAM_APPLIERS,
        session=context.http,
        timeout=max(context.timeout, PULL_TIMEOUT),
        now=context.now,
    )


def content_step(context: RoundContext) -> ContentReport:
    """Download and install what the catalog offers that is newer than what is here."""

    def report(done: int, total: int, detail: str) -> None:
        context.progress(Progress("content", done, total, detail))

    return fetch_content(
        database=context.database,
        station_key=context.station_key,
        station_id=context.station_id,
        server_url=context.server_url,
        server_public_key=context.server_public_key,
        trusted=trusted_publishers(),
        session=context.http,
        progress=report,
        now=context.now,
        timeout=max(context.timeout, PULL_TIMEOUT),
    )


def trusted_publishers() -> dict[str, PublisherKey]:
    """The bundled publisher keys and the ones an administrator added on this station."""
    return load_trusted_publishers(bundled_publishers_dir(), resolve_paths().trusted_publishers_dir)


STEPS: tuple[Step, ...] = (
    Step("push", push_log_step),
    Step("pull", pull_step),
    Step("content", content_step),
)


def server_url_to_use(database: Path, *, settings_url: str | None) -> str | None:
    """The server to sync with: the settings file first, then the one enrolled with."""
    return settings_url or enrolled_server_url(database)


def _record(database: Path, values: dict[str, str | None]) -> None:
    """Write (or, for None, remove) sync_state facts in one transaction."""
    engine = make_engine(database)
    try:
        with Session(engine) as db:
            gone = [key for key, value in values.items() if value is None]
            if gone:
                db.exec(delete(SyncState).where(col(SyncState.key).in_(gone)))
            for key, value in values.items():
                if value is not None:
                    db.merge(SyncState(key=key, value=value))
            db.commit()
    finally:
        engine.dispose()


def _station_id(database: Path) -> str:
    engine = make_engine(database)
    try:
        with Session(engine) as db:
            station = db.exec(select(Station)).first()
    finally:
        engine.dispose()
    if station is None:
        raise SyncError("this station is not set up yet: start mcdesk once, then sync")
    return station.id


def _prepare(
    *,
    database: Path,
    station_key_path: Path,
    server_url: str,
    http: requests.Session,
    progress: ProgressSink,
    now: Callable[[], datetime],
    timeout: float,
) -> RoundContext:
    """The round's first stage: this station's identity, and the server's key checked."""
    try:
        station_key = read_private_key(station_key_path)
    except KeyFileError as exc:
        raise SyncError(f"the station key cannot be used: {exc}") from None
    station_id = _station_id(database)
    offered = fetch_server_key(server_url, session=http, timeout=timeout)
    key = pin_server_key(database=database, server_url=server_url, offered=offered)
    return RoundContext(
        database=database,
        station_id=station_id,
        station_key=station_key,
        server_url=server_url,
        server_public_key=key,
        http=http,
        progress=progress,
        now=now,
        timeout=timeout,
    )


def _refused_count(results: Iterable[object]) -> int:
    return sum(len(r.rejected) for r in results if isinstance(r, PushReport))


def run_round(
    *,
    database: Path,
    station_key_path: Path,
    server_url: str,
    progress: ProgressSink | None = None,
    session: requests.Session | None = None,
    now: Callable[[], datetime] = _utc_now,
    steps: tuple[Step, ...] = STEPS,
    timeout: float = REQUEST_TIMEOUT,
) -> RoundReport:
    """Fetch and pin the server key, then run ``steps`` in order; SyncError on failure.

    The attempt is recorded first; a failure records its reason (plain words) before it
    is raised, and a success records its time and clears the last error. Every step's
    writes are its own transactions, so a round stopped anywhere loses nothing.
    """
    _record(database, {LAST_ATTEMPT_KEY: now().isoformat(), LAST_STAGE_KEY: None})
    http = session or requests.Session()
    report = RoundReport(server_url=server_url)
    try:
        try:
            context = _prepare(
                database=database,
                station_key_path=station_key_path,
                server_url=server_url,
                http=http,
                progress=progress or _ignore,
                now=now,
                timeout=timeout,
            )
            report.finish(database, PIN_STAGE)
            for step in steps:
                report.results[step.name] = step.run(context)
                report.finish(database, step.name)
        except SQLAlchemyError as exc:
            # Busy past busy_timeout, or damaged: say so, and let the next round try again.
            reason = f"the station's database could not be used ({exc.__class__.__name__})"
            raise SyncError(reason) from exc
    except SyncError as exc:
        _record(database, {LAST_ERROR_KEY: exc.reason})
        raise
    finally:
        if session is None:
            http.close()
    refused = _refused_count(report.results.values())
    _record(
        database,
        {
            LAST_SUCCESS_KEY: now().isoformat(),
            LAST_ERROR_KEY: None,
            LAST_REFUSED_KEY: str(refused) if refused else None,
        },
    )
    return report
