"""Code slots sealed ahead of time, off the request path, by a fixed set of threads.

Requests only record what a station is owed (``issuer.owe_slots``: enrolment owes the
first ``SLOTS_AHEAD``, a pull owes the codes used since). Each worker process runs
``threads`` sealer threads; a thread takes a lease on one owing station in the database
(``station_issuer.sealing_until``), seals up to ``CHUNK`` slots (one scrypt run each),
stores them and looks again. The queue is the database, so workers stay stateless and
an owed station is sealed by whichever worker gets there first; a lease left by a
stopped worker expires. Memory: ``threads`` × 64 MiB of scrypt per worker (at
DEFAULT_PARAMS), whatever the number of requests.

A pull that is owed slots waits up to ``PULL_WAIT_SECONDS`` for them (polling the
database, as the sealing may happen in another worker), and no more than
``READY_GRACE_SECONDS`` once new slots are ready; it sends what is ready and the rest
arrives with the next sync. Slots sealed before the pull came, and not sent yet, are
new slots ready: the grace starts at once, and the pull waits longer (up to
``PULL_WAIT_SECONDS``) only while the sealer, at the pace seen since the pull came, would
finish everything owed by then. (The grace used to start only when the sealer finished
its next chunk, so a station's first sync, which finds the slot its enrolment sealed,
waited ~3 s inside that pull for a few more; issue 11.)
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from mcdesk.protocol.streams import Stream
from mcdesk.server.issuer import owe_slots, seal_owed
from mcdesk.server.models import Change, Station, StationIssuer

THREADS = 2  # per worker: 128 MiB of scrypt at most
# Slots per lease. One: between any two scrypt runs a thread looks again for the
# emptiest owing station, so a station just enrolled waits for at most one run for its
# first slot, not for another station's chunk (with 5, a lab enrolling station after
# station had each first sync wait 1-3 s inside its pull; issue 11). A lease costs a few
# small queries against ~0.15 s of scrypt.
CHUNK = 1
FIRST_CHUNK = 1  # a new station's first lease: one slot (~0.15 s) lets it use its pack keys
LEASE = timedelta(seconds=60)
IDLE_SECONDS = 5.0  # how often an idle thread looks for work other workers were asked
PULL_WAIT_SECONDS = 3.0
FIRST_SLOT_WAIT_SECONDS = 8.0  # well inside a pull request's 30 s timeout (mcdesk.sync.pull)
READY_GRACE_SECONDS = 1.0  # once new slots are ready, how much longer a pull waits for more
POLL_SECONDS = 0.1


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def claim_owing(session: Session, *, now: datetime) -> str | None:
    """Lease one station that is owed slots; its id, or None when none is free. Commits."""
    candidates = session.exec(
        select(StationIssuer.station_id, StationIssuer.sealing_until)
        .where(col(StationIssuer.slots_through) < col(StationIssuer.slots_wanted))
        .order_by(col(StationIssuer.slots_through))  # the emptiest first
        .limit(8)
    ).all()
    for station_id, until in candidates:
        if until is not None and _aware(until) > now:
            continue
        claimed = session.execute(
            update(StationIssuer)
            .where(
                col(StationIssuer.station_id) == station_id,
                or_(
                    col(StationIssuer.sealing_until).is_(None),
                    col(StationIssuer.sealing_until) <= now,
                ),
            )
            .values(sealing_until=now + LEASE)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            session.commit()
            return station_id
    session.commit()
    return None


def _unsent_slots(session: Session, *, station_id: str, after: int) -> bool:
    """Whether the station's code_slots stream holds a change past ``after``."""
    found = session.exec(
        select(Change.id)
        .where(
            col(Change.stream) == Stream.CODE_SLOTS,
            col(Change.station_id) == station_id,
            col(Change.id) > after,
        )
        .limit(1)
    ).first()
    session.commit()  # the waits below read fresh snapshots
    return found is not None


def release(session: Session, *, station_id: str) -> None:
    session.execute(
        update(StationIssuer)
        .where(col(StationIssuer.station_id) == station_id)
        .values(sealing_until=None)
    )
    session.commit()


def seal_one_chunk(engine: Engine) -> int:
    """Lease an owing station, seal up to ``CHUNK`` of its slots, release; how many sealed."""
    with Session(engine) as session:
        station_id = claim_owing(session, now=datetime.now(UTC))
        if station_id is None:
            return 0
        try:
            issuer = session.get(StationIssuer, station_id)
            # A station with no slot yet cannot use its pack keys: its first slot alone.
            most = FIRST_CHUNK if issuer is not None and issuer.slots_through == 0 else CHUNK
            return seal_owed(session, station_id=station_id, now=datetime.now(UTC), most=most)
        finally:
            session.rollback()
            release(session, station_id=station_id)


class SlotSealer:
    """The sealer threads of one worker process; ``kick`` when a request owed slots."""

    def __init__(self, engine: Engine, *, threads: int = THREADS) -> None:
        self._engine = engine
        self._threads = [
            threading.Thread(target=self._run, name=f"slot-sealer-{n}", daemon=True)
            for n in range(threads)
        ]
        self._wake = threading.Event()
        self._stop = threading.Event()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop after the chunk in hand (a few scrypt runs)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join()

    def kick(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sealed = seal_one_chunk(self._engine)
            except Exception:  # the lease expires and the work is found again; keep going
                logging.getLogger(__name__).exception("sealing code slots failed")
                sealed = 0
            if sealed == 0:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()

    def prepare_pull(self, session: Session, station: Station, now: datetime, after: int) -> None:
        """Before a ``code_slots`` page: owe what the station lacks, wait briefly for it.

        The wait ends when everything owed is sealed, at ``PULL_WAIT_SECONDS``
        (``FIRST_SLOT_WAIT_SECONDS`` for a station that holds no slot yet: without one it
        cannot use its pack keys), or ``READY_GRACE_SECONDS`` after the first new slots are
        ready (at once when slots sealed past ``after``, the page's cursor, wait to be
        sent, unless the sealer will have them all within ``PULL_WAIT_SECONDS``): a
        station just enrolled starts with a few and gets the rest at its next
        sync, rather than waiting out the sealing of all 40 inside its first sync.
        """
        station_id = station.id  # read now: attributes expire at the commit below
        owe_slots(session, station_id=station_id, now=now)
        session.commit()
        ready = _unsent_slots(session, station_id=station_id, after=after)
        deadline, first_through, first_look = 0.0, None, 0.0
        while True:
            through, wanted = session.exec(
                select(StationIssuer.slots_through, StationIssuer.slots_wanted).where(
                    col(StationIssuer.station_id) == station_id
                )
            ).one()
            session.commit()  # each look is its own snapshot
            if through >= wanted:
                return
            looked = time.monotonic()
            if first_through is None:
                first_through, first_look = through, looked
                wait = FIRST_SLOT_WAIT_SECONDS if through == 0 else PULL_WAIT_SECONDS
                deadline = looked + (READY_GRACE_SECONDS if ready else wait)
            elif ready and through > first_through:
                # Sealing fast enough to finish within the usual wait: wait for all of it.
                rate = (through - first_through) / max(looked - first_look, POLL_SECONDS)
                if looked + (wanted - through) / rate <= first_look + PULL_WAIT_SECONDS:
                    deadline = first_look + PULL_WAIT_SECONDS
            elif through > first_through:
                deadline = min(deadline, looked + READY_GRACE_SECONDS)
            if looked >= deadline:
                return  # send what is sealed; the rest comes with the next sync
            self.kick()
            time.sleep(POLL_SECONDS)
