# long because: one class, the attempt's state machine; each operation is a short method
# over the same loaded attempt, and the writes already live in exam/ledger.py.
"""The assessment engine: one attempt at a time, a state machine over the store.

Qt-free and thread-free: the caller supplies the clocks, the decrypted item bank and
the calls (the UI makes them off the GUI thread, one at a time). States and edges are
in ``mcdesk.exam.states``; an operation outside them raises ``ExamStateError``.

Durability: each change is one sqlite3 transaction (BEGIN IMMEDIATE … COMMIT; WAL,
``synchronous=FULL``) holding the row change and its signed event, so when a method
returns, the change survives a crash or a power cut.

Time — the suspend rule:

- Elapsed time comes only from the injected monotonic clock, and only while running.
  The wall clock only stamps events: setting it forwards or back changes nothing.
- The caller calls ``tick()`` (or ``checkpoint()``) at least once a second; elapsed
  time is stored then and with every change.
- Time while the app is not running is not charged. After a crash, ``load`` continues
  from the last stored elapsed time (at most one checkpoint interval is lost, in the
  learner's favour) and the attempt waits, paused, for a teacher's resume code.
- A monotonic jump of more than ``SUSPEND_AFTER_S`` (30 s) between two reads while
  running is a suspend (the computer slept, the process was stopped), not time the
  learner could use: it is not charged, and it is logged as a ``suspend`` incident.
- Paused time is never charged. Elapsed time never exceeds the limit plus extensions.

Secrets: the bank (prompts and keys) stays in memory. The store gets item ids, option
orders, the learner's responses and the scores; the bank is dropped when the attempt
ends or the learner leaves.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam import accommodations, records
from mcdesk.exam.allowance_use import use_allowances
from mcdesk.exam.forms import Form, draw_form
from mcdesk.exam.ledger import EndedBy, ExamLedger, LoadedAttempt
from mcdesk.exam.records import AttemptRow, SavedAnswer, iso
from mcdesk.exam.results import ExamResult, read_result
from mcdesk.exam.states import (
    ACTION_STATES,
    ACTIVE,
    ENDED,
    AttemptState,
    CodeAction,
    ExamError,
    ExamStateError,
    TimeUpError,
)
from mcdesk.exam.timer import SUSPEND_AFTER_S, ExamClock
from mcdesk.protocol.documents import MAX_MULTIPLIER, MIN_MULTIPLIER
from mcdesk.protocol.ids import uuid7
from mcdesk.store.connection import connect

MAX_EXTEND_MINUTES = 120


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ExamEngine:
    """Runs attempts on this station's store, signing every event with the station key."""

    def __init__(
        self,
        *,
        database: Path,
        station_key: Ed25519PrivateKey,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = _utc_now,
        suspend_after_s: float = SUSPEND_AFTER_S,
    ) -> None:
        db = connect(database)
        db.isolation_level = None  # the ledger issues BEGIN IMMEDIATE … COMMIT itself
        self._db = db
        self._ledger = ExamLedger(db, key=station_key, wall=wall)
        self._monotonic = monotonic
        self._wall = wall
        self._suspend_after = suspend_after_s
        self._current: LoadedAttempt | None = None

    # -- reading -------------------------------------------------------------------------

    @property
    def attempt_id(self) -> str:
        return self._attempt().row.id

    @property
    def state(self) -> AttemptState:
        return self._attempt().row.state

    @property
    def form(self) -> Form:
        return self._attempt().row.form

    @property
    def answers(self) -> dict[str, Any]:
        """The learner's saved responses by item id (cleared ones left out)."""
        saved = self._attempt().answers
        return {item: a.response for item, a in saved.items() if a.response is not None}

    @property
    def flagged(self) -> frozenset[str]:
        return frozenset(item for item, a in self._attempt().answers.items() if a.flagged)

    @property
    def position(self) -> str | None:
        """The item the learner last had on screen (None: none logged yet)."""
        return self._attempt().position

    @property
    def bank_open(self) -> bool:
        return self._attempt().bank is not None

    def elapsed_s(self) -> float:
        """Seconds charged so far (``checkpoint`` stores it)."""
        return self._attempt().elapsed()

    def remaining_s(self) -> float:
        """Seconds left: limit + extensions − elapsed, never negative."""
        current = self._attempt()
        return max(0.0, current.total_s - current.elapsed())

    def result(self) -> ExamResult | None:
        """The loaded attempt's signed result, once scored."""
        return read_result(self._db, attempt_id=self._attempt().row.id)

    # -- attempts ------------------------------------------------------------------------

    def create_attempt(
        self,
        *,
        learner_id: str,
        pack_id: str,
        pack_version: str,
        blueprint: Mapping[str, Any],
        bank: Sequence[Mapping[str, Any]],
        multiplier: float | None = None,
        allowances: Sequence[str] = (),
    ) -> str:
        """Draw a fresh form (items least recently shown first) and store a ready attempt; its id.

        ``multiplier`` defaults to the learner's accommodation (1.0 without one).
        ``allowances`` (a teacher's, that the retake rule needed) are used up by this
        attempt in the same transaction; AllowanceGoneError and no attempt if one is not free.
        """
        self._leave_current()
        active = records.active_attempt(self._db, learner_id=learner_id, pack_id=pack_id)
        if active is not None:
            raise ExamStateError(f"attempt {active} is in progress: resume it instead")
        if multiplier is None:
            multiplier = accommodations.time_multiplier(self._db, learner_id=learner_id)
        if not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
            raise ExamError(f"a time multiplier of {multiplier:g} is out of range")
        history = records.earlier_forms(self._db, learner_id=learner_id, pack_id=pack_id)
        seed = secrets.randbits(62)
        form = draw_form(blueprint=blueprint, bank=bank, seed=seed, history=history)
        now = self._wall()
        row = AttemptRow(
            id=uuid7(unix_ms=int(now.timestamp() * 1000)),
            learner_id=learner_id,
            pack_id=pack_id,
            pack_version=pack_version,
            seed=seed,
            form=form,
            state="ready",
            time_limit_s=float(blueprint["time_limit_minutes"]) * 60.0 * multiplier,
            extra_s=0.0,
            elapsed_s=0.0,
            created_at=iso(now),
        )
        current = LoadedAttempt(row, self._new_clock(0.0), {})
        current.open_bank(blueprint=blueprint, bank=bank)
        with self._ledger.transaction(None) as db:
            records.insert_attempt(db, row)
            data = {
                "learner_id": learner_id,
                "pack_id": pack_id,
                "pack_version": pack_version,
                "form": form,
                "time_limit_s": row.time_limit_s,
                "multiplier": multiplier,
            }
            if allowances:
                data["allowances"] = list(allowances)
            self._ledger.log(current, "created", data, now=now)
            use_allowances(
                db, allowance_ids=allowances, attempt_id=row.id, learner_id=learner_id,
                pack_id=pack_id, now=now,
            )  # fmt: skip
        self._current = current
        return row.id

    def load(
        self,
        attempt_id: str,
        *,
        blueprint: Mapping[str, Any] | None = None,
        bank: Sequence[Mapping[str, Any]] | None = None,
    ) -> AttemptState:
        """Rebuild an attempt from the store; one left running (a crash) becomes paused."""
        self._leave_current()
        row = records.read_attempt(self._db, attempt_id)
        answers = records.read_answers(self._db, row.id)
        current = LoadedAttempt(row, self._new_clock(row.elapsed_s), answers)
        current.position = records.last_viewed(self._db, row.id)
        if row.state == "running":
            with self._ledger.transaction(current):
                current.move("paused")
                records.write_progress(self._db, row)
                self._ledger.log(current, "interrupted", {})
        self._current = current
        if blueprint is not None and bank is not None:
            self.open_bank(blueprint=blueprint, bank=bank)
        return current.row.state

    def resume_interrupted(self, *, learner_id: str, pack_id: str | None = None) -> str | None:
        """Load the learner's unfinished attempt, if there is one; its id."""
        attempt_id = records.active_attempt(self._db, learner_id=learner_id, pack_id=pack_id)
        if attempt_id is not None:
            self.load(attempt_id)
        return attempt_id

    def open_bank(self, *, blueprint: Mapping[str, Any], bank: Sequence[Mapping[str, Any]]) -> None:
        """Hand the decrypted bank to the loaded attempt (kept in memory only)."""
        current = self._attempt()
        if current.row.state in ENDED:
            raise ExamStateError("this attempt has ended; its bank is not needed")
        current.open_bank(blueprint=blueprint, bank=bank)

    # -- codes and flow ------------------------------------------------------------------

    def unlock(self, attempt_id: str, *, action: CodeAction, counter: int) -> None:
        """Record a code the unlock desk accepted: it unlocks a ready attempt or allows one action.

        The engine does not check codes (``mcdesk.exam.unlock`` does); it logs each use in
        the event log and lets exactly one following pause, resume, leave or extend through.
        """
        current = self._attempt()
        if current.row.id != attempt_id:
            raise ExamStateError(f"attempt {attempt_id} is not the one loaded; load it first")
        if action not in ACTION_STATES:
            raise ExamError(f"unknown code action {action!r}")
        if current.row.state not in ACTION_STATES[action]:
            raise ExamStateError(f"a {action} code does not apply to a {current.row.state} attempt")
        with self._ledger.transaction(current):
            if action == "start":
                current.move("unlocked")
            self._ledger.save(current)
            self._ledger.log(current, "unlocked", {"action": action, "counter": counter})
        current.grant = None if action == "start" else action

    def start(self) -> None:
        """Start the clock of an unlocked attempt."""
        current = self._attempt().require_state("unlocked").require_bank()
        with self._ledger.transaction(current):
            current.move("running")
            records.write_progress(self._db, current.row)
            self._ledger.log(current, "started", {})
        current.clock.start()

    def pause(self) -> None:
        """Stop the clock (needs a pause code)."""
        self._stop(self._running().use_code("pause"), "paused")

    def leave(self) -> None:
        """Pause and drop the bank from memory: the learner leaves the station (needs a code)."""
        current = self._attempt().use_code("leave")
        if current.row.state == "running":
            self._stop(current, "left")
        else:
            with self._ledger.transaction(current):
                self._ledger.save(current)
                self._ledger.log(current, "left", {})
        current.bank = current.blueprint = None

    def resume(self) -> None:
        """Restart the clock of a paused attempt (needs a resume code and the bank)."""
        current = self._attempt().require_bank().use_code("resume")
        with self._ledger.transaction(current):
            current.move("running")
            records.write_progress(self._db, current.row)
            self._ledger.log(current, "resumed", {})
        current.clock.start()

    def extend(self, *, minutes: float) -> None:
        """Add time to a running or paused attempt (needs an extend code)."""
        if not 0 < minutes <= MAX_EXTEND_MINUTES:
            raise ExamError(
                f"an extension must be more than 0 and at most {MAX_EXTEND_MINUTES} min"
            )
        current = self._attempt().use_code("extend")
        if current.row.state == "running":
            self._unless_time_up(current)
        with self._ledger.transaction(current):
            current.row.extra_s += minutes * 60.0
            self._ledger.save(current)
            data = {"minutes": minutes, "extra_s": current.row.extra_s}
            self._ledger.log(current, "extended", data)

    def record_command(self, *, command_id: str, action: str, counter: int) -> None:
        """Log a proctor command applied to the loaded attempt (mcdesk.exam.remote)."""
        current = self._attempt()
        data = {"command_id": command_id, "action": action, "counter": counter}
        with self._ledger.transaction(current):
            self._ledger.log(current, "proctor_command", data)

    # -- while running -------------------------------------------------------------------

    def answer(self, *, item_id: str, response: Any) -> None:
        """Save a response; when this returns it is durable (None clears the answer)."""
        current = self._running()
        current.require_item(item_id)
        encoded = records.encode_response(response)
        self._unless_time_up(current)
        at = iso(self._wall())
        with self._ledger.transaction(current) as db:
            records.save_response(
                db, attempt_id=current.row.id, item_id=item_id, response=encoded, at=at
            )
            self._ledger.save(current)
            self._ledger.log(current, "answered", {"item_id": item_id, "response": response})
        saved = current.answers.get(item_id)
        current.answers[item_id] = SavedAnswer(response, saved is not None and saved.flagged, at)

    def flag(self, *, item_id: str, flagged: bool) -> None:
        """Mark an item to come back to (or unmark it)."""
        current = self._running()
        current.require_item(item_id)
        self._unless_time_up(current)
        at = iso(self._wall())
        with self._ledger.transaction(current) as db:
            records.save_flag(
                db, attempt_id=current.row.id, item_id=item_id, flagged=flagged, at=at
            )
            self._ledger.save(current)
            self._ledger.log(current, "flagged", {"item_id": item_id, "flagged": flagged})
        saved = current.answers.get(item_id)
        if saved is None:
            current.answers[item_id] = SavedAnswer(None, flagged, at)
        else:
            current.answers[item_id] = SavedAnswer(saved.response, flagged, saved.saved_at)

    def viewed(self, *, item_id: str) -> None:
        """Log the question now on screen, durably, so a resume opens it again."""
        current = self._running()
        current.require_item(item_id)
        if current.position == item_id or current.elapsed() >= current.total_s:
            return  # nothing new; at time up the next tick scores the attempt
        with self._ledger.transaction(current):
            self._ledger.save(current)
            self._ledger.log(current, "viewed", {"item_id": item_id})
        current.position = item_id

    def incident(self, *, kind: str, detail: str) -> None:
        """Log what the lockdown saw (focus lost, screen changed, blocked keys)."""
        current = self._attempt()
        if current.row.state not in ACTIVE:
            raise ExamStateError(f"a {current.row.state} attempt takes no incidents")
        with self._ledger.transaction(current):
            self._ledger.save(current)
            self._ledger.incident(current, kind=kind, detail=detail, extra={})

    def checkpoint(self) -> float:
        """Store the elapsed time of a running attempt; returns it."""
        current = self._attempt()
        if current.row.state == "running":
            with self._ledger.transaction(current):
                self._ledger.save(current)
        return current.elapsed()

    def tick(self) -> AttemptState:
        """Checkpoint, or expire and score the attempt when its time is up; the state."""
        current = self._attempt()
        if current.row.state == "running":
            if current.elapsed() >= current.total_s:
                self._ledger.finish(current, "expired")
            else:
                self.checkpoint()
        return current.row.state

    def submit(self) -> ExamResult:
        """End a running attempt, score it, sign the result and queue it for sync."""
        current = self._running()
        ended: EndedBy = "expired" if current.elapsed() >= current.total_s else "submitted"
        return self._ledger.finish(current, ended)

    # -- accommodations ------------------------------------------------------------------

    def set_accommodation(self, *, learner_id: str, multiplier: float, set_by: str) -> None:
        """A teacher sets a learner's time multiplier for attempts created from now on."""
        with self._ledger.transaction(None) as db:
            accommodations.set_time_multiplier(
                db, learner_id=learner_id, multiplier=multiplier, set_by=set_by, now=self._wall()
            )
            data = {"learner_id": learner_id, "multiplier": multiplier, "set_by": set_by}
            self._ledger.log_station("accommodation", data)

    def accommodation(self, *, learner_id: str) -> float:
        return accommodations.time_multiplier(self._db, learner_id=learner_id)

    def close(self) -> None:
        """Store the clock of a running attempt and close the store connection.

        An attempt left running is paused when it is next loaded, and resumes with a code.
        """
        if self._current is not None and self._current.row.state == "running":
            self.checkpoint()
        self._current = None
        self._db.close()

    # -- internals -----------------------------------------------------------------------

    def _attempt(self) -> LoadedAttempt:
        if self._current is None:
            raise ExamStateError("no attempt is loaded")
        return self._current

    def _running(self) -> LoadedAttempt:
        return self._attempt().require_state("running")

    def _new_clock(self, elapsed_s: float) -> ExamClock:
        return ExamClock(
            monotonic=self._monotonic, elapsed_s=elapsed_s, suspend_after_s=self._suspend_after
        )

    def _unless_time_up(self, current: LoadedAttempt) -> None:
        if current.elapsed() >= current.total_s:
            self._ledger.finish(current, "expired")
            raise TimeUpError("time is up: the attempt has expired and was scored")

    def _leave_current(self) -> None:
        if self._current is not None and self._current.row.state == "running":
            raise ExamStateError("an attempt is running here: pause or submit it first")
        self._current = None

    def _stop(self, current: LoadedAttempt, kind: str) -> None:
        self._unless_time_up(current)
        with self._ledger.transaction(current):
            current.clock.stop()
            current.move("paused")
            self._ledger.save(current)
            self._ledger.log(current, kind, {})
