"""The station side of unlock codes: asking for code #k, trying it, refilling slots.

Security rules (SPEC "Unlock codes = the key"):

- Only the slot of the next unused counter is tried, so one entry costs one scrypt run
  and a code for any other counter (or station) fails.
- A right code marks its slot used and deletes the slot's salt, nonce and sealed key in
  the same transaction: a code opens the key once.
- mcdesk.throttle counts each well-formed try before its scrypt run, so of ten tries at
  once only the free ones are checked. After five wrong codes in a row the next try waits
  30 s, doubling with every further wrong code (capped at one hour). The wait is kept in
  the store as seconds still to serve, counted on this run's monotonic clock: moving the
  wall clock does not shorten it, and a restart resumes it.
- Every entry (right, wrong, malformed, or made while waiting) is logged with the action
  it was for. The typed code itself is never stored.
- scrypt runs outside any transaction; writes are short, so the exam's answer writes
  never queue behind a code check.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mcdesk.content.sealing import PackKey
from mcdesk.errors import McdeskError
from mcdesk.exam.issuer import Issuer, has_issuer, save_issuer, seal_issuer
from mcdesk.exam.keyring import check_exam_key, wrap_pack_key
from mcdesk.protocol.codes import normalise_code
from mcdesk.protocol.exam_keys import new_exam_key
from mcdesk.protocol.slots import ScryptParams, Slot, make_slot, open_slot
from mcdesk.protocol.streams import EventKind
from mcdesk.store.connection import opened
from mcdesk.store.outbox import queue_event
from mcdesk.throttle import SqliteStatements, Try, forget, station_reading, take_try

LOW_SLOTS = 20
SLOTS_AT_SETUP = 40
THROTTLE_TABLE = "code_throttle"
THROTTLE_SUBJECT = "station"
# The kiosk's two doors are logged with the same codes and throttle as the assessment's.
ACTIONS = frozenset(
    {"start", "resume", "pause", "leave", "end", "dismiss-overlay", "kiosk-settings", "kiosk-leave"}
)
_EXTEND = re.compile(r"extend:\+([1-9][0-9]{0,3})")  # extra minutes, 1 to 9999
NO_SLOT = 0  # code_entry.counter when the station had no slot left to try


class UnlockError(McdeskError):
    """Exam keys cannot be set up or refilled; the message says why."""


@dataclass(frozen=True, slots=True)
class UnlockResult:
    ok: bool
    exam_key: bytes | None = field(default=None, repr=False)
    counter: int | None = None
    message: str = ""
    wait_seconds: int = 0


@dataclass(frozen=True, slots=True)
class ExamKeySetup:
    issuer_id: str
    slots: int
    wrapped: tuple[str, ...]


def check_action(action: str) -> str:
    """An action name for the log: start, resume, pause, leave, end, dismiss-overlay, extend:+N."""
    if action in ACTIONS or _EXTEND.fullmatch(action):
        return action
    raise ValueError(f"unknown unlock action {action!r}")


def next_counter(connection: sqlite3.Connection) -> int | None:
    """The lowest unused slot counter: the code number the station asks for."""
    row = connection.execute(
        "SELECT min(counter) FROM exam_key_slot WHERE used_at IS NULL"
    ).fetchone()
    return None if row[0] is None else int(row[0])


def slots_left(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT count(*) FROM exam_key_slot WHERE used_at IS NULL")
    return int(row.fetchone()[0])


def read_slot(connection: sqlite3.Connection, counter: int) -> Slot:
    row = connection.execute(
        "SELECT salt, nonce, sealed_key, scrypt_n, scrypt_r, scrypt_p FROM exam_key_slot"
        " WHERE counter = ?",
        (counter,),
    ).fetchone()
    return Slot(
        salt=bytes(row[0]),
        nonce=bytes(row[1]),
        sealed_key=bytes(row[2]),
        n=int(row[3]),
        r=int(row[4]),
        p=int(row[5]),
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    """One typed code: what it was for, and when. The code itself is never kept."""

    action: str
    attempt_id: str | None
    now: datetime

    def log(
        self, connection: sqlite3.Connection, *, counter: int | None, ok: bool, detail: str
    ) -> None:
        connection.execute(
            "INSERT INTO code_entry (counter, action, ok, attempt_id, at, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                NO_SLOT if counter is None else counter,
                self.action,
                int(ok),
                self.attempt_id,
                self.now.isoformat(),
                detail,
            ),
        )


def _queue_code_used(connection: sqlite3.Connection, *, counter: int, entry: _Entry) -> None:
    # The server, when it is the issuer, tops the slots up past the highest used counter
    # (mcdesk.server.issuer); this event is how it learns which one that is.
    (issuer_id,) = connection.execute(
        "SELECT issuer_id FROM exam_key_slot WHERE counter = ?", (counter,)
    ).fetchone()
    body = {
        "counter": counter,
        "issuer_id": issuer_id,
        "action": entry.action,
        "attempt_id": entry.attempt_id,
        "at": entry.now.isoformat(),
    }
    queue_event(connection, kind=EventKind.CODE_USED, body=body, now=entry.now)


def scrub_old_pages(connection: sqlite3.Connection) -> bool:
    """Copy the WAL into the database and empty it; False if a reader kept old pages."""
    # Until then the used slot's sealed key is still in the file as an older page, and
    # with the code that was just used (seen over a shoulder, or on the sheet) it would
    # open the exam key. A reader holding an old snapshot delays this to the next use.
    busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy) == 0


class UnlockDesk:
    """Where a station takes unlock codes; every call opens its own connection."""

    def __init__(self, database: Path, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.database = database
        self._monotonic = monotonic

    def next_counter(self) -> int | None:
        with opened(self.database) as connection:
            return next_counter(connection)

    def slots_left(self) -> int:
        with opened(self.database) as connection:
            return slots_left(connection)

    def clear_throttle(self) -> None:
        """A signed-in teacher lets the station take codes again at once."""
        with opened(self.database) as connection:
            forget(SqliteStatements(connection), table=THROTTLE_TABLE, subject=THROTTLE_SUBJECT)

    def try_code(
        self, code: str, *, action: str, attempt_id: str | None = None, now: datetime
    ) -> UnlockResult:
        """Check a typed code against the next slot; a right one releases the exam key once."""
        check_action(action)
        digits = normalise_code(code)
        entry = _Entry(action=action, attempt_id=attempt_id, now=now)
        with opened(self.database) as connection:
            connection.execute("BEGIN IMMEDIATE")
            counter = next_counter(connection)
            if digits is None:
                # A typing slip, not a guess: refused without counting towards a wait.
                entry.log(connection, counter=counter, ok=False, detail="not 8 digits")
                return UnlockResult(
                    ok=False,
                    counter=counter,
                    message="An unlock code is 8 digits, like 1234 5678. Check it and type "
                    "it again.",
                )
            if counter is None:
                entry.log(connection, counter=None, ok=False, detail="no slots left")
                return UnlockResult(
                    ok=False,
                    message="This station has no unlock codes left. Ask your teacher to "
                    "refill them (sync, or a provisioning file).",
                )
            turn = take_try(
                SqliteStatements(connection),
                table=THROTTLE_TABLE,
                subject=THROTTLE_SUBJECT,
                reading=station_reading(self._monotonic),
                now=now,
            )
            if not turn.checked:
                entry.log(connection, counter=counter, ok=False, detail="waiting")
                return UnlockResult(
                    ok=False,
                    counter=counter,
                    wait_seconds=turn.wait_seconds,
                    message=f"Too many wrong codes. Wait {turn.wait_seconds} s, then try again.",
                )
            slot = read_slot(connection, counter)
        # The try is counted and committed; scrypt runs with no lock held.
        exam_key = open_slot(slot, code=digits, counter=counter)
        with opened(self.database) as connection:
            # Zero the old bytes of the rows rewritten below (some builds do not by default).
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("BEGIN IMMEDIATE")
            if exam_key is None:
                return self._wrong(connection, counter=counter, entry=entry, turn=turn)
            # A right code clears the count, even one another window used a moment ago.
            forget(SqliteStatements(connection), table=THROTTLE_TABLE, subject=THROTTLE_SUBJECT)
            used = connection.execute(
                "UPDATE exam_key_slot SET used_at = ?, salt = x'', nonce = x'', sealed_key = x''"
                " WHERE counter = ? AND used_at IS NULL",
                (now.isoformat(), counter),
            )
            if used.rowcount != 1:
                # Another window took this code a moment ago; single use wins.
                entry.log(connection, counter=counter, ok=False, detail="used meanwhile")
                return UnlockResult(
                    ok=False,
                    counter=counter,
                    message=f"Code #{counter} was just used. Ask for code #{counter + 1}.",
                )
            entry.log(connection, counter=counter, ok=True, detail="")
            _queue_code_used(connection, counter=counter, entry=entry)
            left = slots_left(connection)
            connection.commit()
            scrub_old_pages(connection)
        message = f"Code #{counter} accepted."
        if left < LOW_SLOTS:
            codes = "1 code is" if left == 1 else f"{left} codes are"
            message += f" Only {codes} left on this station; refill them soon."
        return UnlockResult(ok=True, exam_key=exam_key, counter=counter, message=message)

    @staticmethod
    def _wrong(
        connection: sqlite3.Connection, *, counter: int, entry: _Entry, turn: Try
    ) -> UnlockResult:
        entry.log(connection, counter=counter, ok=False, detail=f"wrong ({turn.failures} in a row)")
        return UnlockResult(
            ok=False,
            counter=counter,
            wait_seconds=turn.wait_seconds,
            message=f"That is not code #{counter} for this station. {turn.after_wrong()}",
        )


def _make_slots(
    issuer: Issuer, exam_key: bytes, *, counters: Iterable[int], params: ScryptParams
) -> list[tuple[int, Slot]]:
    return [
        (counter, make_slot(issuer.code(counter), exam_key, counter=counter, params=params))
        for counter in counters
    ]


def _insert_slots(
    connection: sqlite3.Connection, slots: list[tuple[int, Slot]], *, issuer_id: str
) -> None:
    connection.executemany(
        "INSERT INTO exam_key_slot (counter, salt, nonce, sealed_key, scrypt_n, scrypt_r,"
        " scrypt_p, issuer_id, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            (counter, s.salt, s.nonce, s.sealed_key, s.n, s.r, s.p, issuer_id)
            for counter, s in slots
        ],
    )


def refill_slots(
    connection: sqlite3.Connection,
    *,
    issuer: Issuer,
    exam_key: bytes,
    up_to: int = SLOTS_AT_SETUP,
    params: ScryptParams,
) -> int:
    """Add slots after the highest counter until ``up_to`` are unused; how many were added."""
    unused = slots_left(connection)
    if unused >= up_to:
        return 0
    first = next_counter(connection)
    if first is not None:
        # One scrypt run proves the issuer and the exam key are this station's: slots
        # sealed with a wrong key would release it to every later code.
        if open_slot(read_slot(connection, first), code=issuer.code(first), counter=first) != (
            exam_key
        ):
            raise UnlockError("this issuer or exam key does not belong to this station's slots")
    elif not check_exam_key(connection, exam_key=exam_key):
        raise UnlockError("this exam key does not open this station's pack keys")
    highest = connection.execute("SELECT max(counter) FROM exam_key_slot").fetchone()[0] or 0
    counters = range(highest + 1, highest + 1 + up_to - unused)
    slots = _make_slots(issuer, exam_key, counters=counters, params=params)
    _insert_slots(connection, slots, issuer_id=issuer.id)
    return len(slots)


def exam_key_from_issuer(
    connection: sqlite3.Connection, *, issuer: Issuer, now: datetime
) -> bytes | None:
    """The exam key for a refill by the teacher alone (their issuer opens the next slot).

    The slot stays unused: its code was never shown to anyone. Whoever holds the teacher's
    password can mint codes anyway, so this gives them nothing new; it is logged all the
    same. None when no unused slot is left (then a typed code's key is needed).
    """
    counter = next_counter(connection)
    if counter is None:
        return None
    exam_key = open_slot(read_slot(connection, counter), code=issuer.code(counter), counter=counter)
    detail = "opened by the teacher's issuer" if exam_key else "issuer does not match"
    _Entry(action="refill", attempt_id=None, now=now).log(
        connection, counter=counter, ok=exam_key is not None, detail=detail
    )
    return exam_key


def setup_exam_keys(
    connection: sqlite3.Connection,
    *,
    teacher_id: str,
    station_id: str,
    password: str,
    pack_keys: Iterable[PackKey],
    slots: int = SLOTS_AT_SETUP,
    params: ScryptParams,
    now: datetime,
) -> ExamKeySetup:
    """First run: a new exam key, the teacher's issuer, wrapped pack keys and ``slots`` slots."""
    if has_issuer(connection, teacher_id=teacher_id, station_id=station_id) or (
        connection.execute("SELECT 1 FROM exam_key_slot").fetchone()
    ):
        raise UnlockError("this station's exam keys are set up already")
    exam_key = new_exam_key()
    sealed = seal_issuer(teacher_id=teacher_id, station_id=station_id, password=password)
    # All scrypt work happens before the first write, so no lock is held meanwhile.
    made = _make_slots(sealed.issuer, exam_key, counters=range(1, slots + 1), params=params)
    save_issuer(connection, sealed, now=now)
    wrapped = []
    for pack_key in pack_keys:
        wrap_pack_key(connection, pack_key=pack_key, exam_key=exam_key)
        wrapped.append(pack_key.pack_id)
    _insert_slots(connection, made, issuer_id=sealed.issuer.id)
    # Python cannot wipe bytes; dropping the last reference is the best it can do.
    del exam_key
    return ExamKeySetup(issuer_id=sealed.issuer.id, slots=len(made), wrapped=tuple(wrapped))
