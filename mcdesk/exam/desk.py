"""The exam desk: what the assessment screens ask of the core, one call at a time.

The UI calls these methods on its single worker thread (never the GUI thread). A right
unlock code releases the station's exam key just long enough to unwrap the pack key and
decrypt the item bank into memory; the key is dropped before the method returns. The
screens get the items without answer keys or feedback (``exam.paper.paper_items``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.content.catalog import load_manifest
from mcdesk.content.skill_states import readiness, skill_states
from mcdesk.exam import accommodations, records
from mcdesk.exam.access import require_grant
from mcdesk.exam.allowance_use import AllowanceGoneError
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.keyring import KeyringError, open_bank
from mcdesk.exam.paper import CodeOutcome, Evidence, Interrupted, Outcome, Sitting, paper_items
from mcdesk.exam.results import ExamResult
from mcdesk.exam.retake import RetakeDecision, next_try_text, retake_allowed
from mcdesk.exam.states import ACTIVE, ENDED, AttemptState, ExamError, NotGrantedError
from mcdesk.exam.unlock import LOW_SLOTS, UnlockDesk, UnlockResult
from mcdesk.store.connection import opened


def in_words(decision: RetakeDecision, titles: Mapping[str, str]) -> RetakeDecision:
    """The decision with skill titles where the rule names skill ids."""
    if not decision.review:
        return decision
    names = ", ".join(titles.get(skill, skill) for skill in decision.review)
    return replace(decision, reason=f"Review these skills before trying again: {names}.")


class ExamDesk:
    """Assessment operations over the station's store; one attempt loaded at a time."""

    def __init__(
        self,
        database: Path,
        *,
        station_key: Ed25519PrivateKey,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._database = database
        self._wall = wall
        self._engine = ExamEngine(
            database=database, station_key=station_key, monotonic=monotonic, wall=wall
        )
        self._unlock = UnlockDesk(database, monotonic=monotonic)
        self._blueprint: dict[str, Any] = {}
        self._bank: dict[str, dict[str, Any]] = {}

    @property
    def engine(self) -> ExamEngine:
        return self._engine

    @property
    def database(self) -> Path:
        return self._database

    def engine_attempt(self) -> str | None:
        """The attempt loaded in the engine, if any."""
        try:
            return self._engine.attempt_id
        except ExamError:
            return None

    def close(self) -> None:
        self._forget_bank()
        self._engine.close()

    def _forget_bank(self) -> None:
        self._bank = {}

    # Before an attempt ----------------------------------------------------------------

    def evidence(self, *, learner_id: str, pack_id: str) -> Evidence:
        with opened(self._database) as connection:
            manifest = _manifest(connection, pack_id)
            blueprint = manifest["assessment"]
            skill_ids = [s["id"] for s in manifest["skills"]]
            states = skill_states(connection, learner_id=learner_id, pack_id=pack_id)
            decision = retake_allowed(
                connection,
                learner_id=learner_id,
                pack_id=pack_id,
                blueprint=blueprint,
                now=self._wall(),
            )
            multiplier = accommodations.time_multiplier(connection, learner_id=learner_id)
            active = records.active_attempt(connection, learner_id=learner_id, pack_id=pack_id)
        return Evidence(
            pack_id=pack_id,
            title=str(manifest["title"]),
            readiness=readiness(skill_ids, states),
            skill_titles={s["id"]: s["title"] for s in manifest["skills"]},
            time_limit_minutes=float(blueprint["time_limit_minutes"]),
            multiplier=multiplier,
            proficiency=float(blueprint["proficiency_level"]),
            items=sum(int(n) for n in blueprint["items_per_skill"].values()),
            retake=in_words(decision, {s["id"]: s["title"] for s in manifest["skills"]}),
            next_counter=self._unlock.next_counter(),
            interrupted_attempt=active,
        )

    def next_counter(self) -> int | None:
        return self._unlock.next_counter()

    def slots_left(self) -> int:
        return self._unlock.slots_left()

    def slots_low(self) -> bool:
        return self._unlock.slots_left() < LOW_SLOTS

    def interrupted(self) -> list[Interrupted]:
        """Attempts left unfinished by a crash or a leave, for the start-up screen."""
        with opened(self._database, read_only=True) as connection:
            rows = connection.execute(
                "SELECT a.id, a.learner_id, l.display_name, a.pack_id, p.title FROM attempt AS a "
                "JOIN learner AS l ON l.id = a.learner_id JOIN pack AS p ON p.id = a.pack_id "
                f"WHERE a.state IN ({','.join('?' * len(ACTIVE))}) ORDER BY a.created_at",
                tuple(ACTIVE),
            ).fetchall()
        return [Interrupted(*row) for row in rows]

    # Codes ------------------------------------------------------------------------------

    def _try(self, code: str, *, action: str, attempt_id: str | None) -> UnlockResult:
        return self._unlock.try_code(code, action=action, attempt_id=attempt_id, now=self._wall())

    def _refused(self, result: UnlockResult) -> CodeOutcome:
        return CodeOutcome(
            ok=False,
            message=result.message,
            wait_seconds=result.wait_seconds,
            next_counter=self._unlock.next_counter(),
        )

    def _open_bank(self, pack_id: str, version: str, exam_key: bytes) -> None:
        with opened(self._database) as connection:
            manifest = _manifest(connection, pack_id)
            items = open_bank(connection, pack_id=pack_id, version=version, exam_key=exam_key)
        self._blueprint = dict(manifest["assessment"])
        self._bank = {str(item["id"]): item for item in items}

    def start(self, *, learner_id: str, pack_id: str, code: str) -> CodeOutcome:
        """A teacher's start code: draw a form, unlock and start the clock."""
        with opened(self._database) as connection:
            manifest = _manifest(connection, pack_id)
            try:  # before the code is tried, so a refused start does not use it up
                require_grant(
                    connection,
                    learner_id=learner_id,
                    pack_id=pack_id,
                    title=str(manifest["title"]),
                    now=self._wall(),
                )
            except NotGrantedError as exc:
                return CodeOutcome(
                    ok=False, message=str(exc), next_counter=self._unlock.next_counter()
                )
            decision = retake_allowed(
                connection,
                learner_id=learner_id,
                pack_id=pack_id,
                blueprint=manifest["assessment"],
                now=self._wall(),
            )
        if not decision.allowed:
            titles = {s["id"]: s["title"] for s in manifest["skills"]}
            return CodeOutcome(ok=False, message=in_words(decision, titles).reason)
        result = self._try(code, action="start", attempt_id=None)
        if not result.ok or result.exam_key is None or result.counter is None:
            return self._refused(result)
        try:
            self._open_bank(pack_id, str(manifest["version"]), result.exam_key)
        except KeyringError as exc:
            return CodeOutcome(ok=False, message=f"The assessment cannot open: {exc}")
        try:  # the attempt and the use of its allowances: one transaction
            attempt_id = self._engine.create_attempt(
                learner_id=learner_id,
                pack_id=pack_id,
                pack_version=str(manifest["version"]),
                blueprint=self._blueprint,
                bank=list(self._bank.values()),
                allowances=decision.allowances,
            )
        except AllowanceGoneError as exc:  # used meanwhile: a pull landed after the rule
            self._forget_bank()
            return CodeOutcome(ok=False, message=str(exc), next_counter=self._unlock.next_counter())
        self._engine.unlock(attempt_id, action="start", counter=result.counter)
        self._engine.start()
        return CodeOutcome(ok=True, sitting=self.sitting())

    def resume(self, *, attempt_id: str, code: str) -> CodeOutcome:
        """A teacher's resume code after a crash, a pause or a leave."""
        state = self._engine.load(attempt_id)
        if state in ENDED:
            return CodeOutcome(ok=False, message="This assessment has already ended.")
        result = self._try(code, action="resume", attempt_id=attempt_id)
        if not result.ok or result.exam_key is None or result.counter is None:
            return self._refused(result)
        with opened(self._database, read_only=True) as connection:
            row = records.read_attempt(connection, attempt_id)
        try:
            self._open_bank(row.pack_id, row.pack_version, result.exam_key)
        except KeyringError as exc:
            return CodeOutcome(ok=False, message=f"The assessment cannot open: {exc}")
        self._engine.open_bank(blueprint=self._blueprint, bank=list(self._bank.values()))
        self._engine.unlock(attempt_id, action="resume", counter=result.counter)
        self._engine.resume()
        return CodeOutcome(ok=True, sitting=self.sitting())

    def authorise(self, *, code: str, action: str, minutes: int = 0) -> CodeOutcome:
        """A teacher's code during an attempt: extend, pause, leave, end, or dismiss the overlay."""
        attempt_id = self._engine.attempt_id
        typed_action = f"extend:+{minutes}" if action == "extend" else action
        if action == "dismiss":
            typed_action = "dismiss-overlay"
        result = self._try(code, action=typed_action, attempt_id=attempt_id)
        if not result.ok or result.counter is None:
            return self._refused(result)
        if action == "dismiss":
            self._engine.incident(kind="overlay_dismissed", detail=f"code #{result.counter}")
        elif action == "extend":
            self._engine.unlock(attempt_id, action="extend", counter=result.counter)
            self._engine.extend(minutes=minutes)
        elif action == "end":  # a teacher ends the attempt: scored as it stands
            self._engine.submit()
            self._forget_bank()
            return CodeOutcome(ok=True, message=result.message)
        elif action in ("pause", "leave"):
            self._engine.unlock(attempt_id, action=action, counter=result.counter)  # type: ignore[arg-type]
            if action == "pause":
                self._engine.pause()
            else:
                self._engine.leave()
                self._forget_bank()
        else:
            raise ExamError(f"unknown action {action!r}")
        return CodeOutcome(ok=True, sitting=self.sitting())

    # During an attempt ------------------------------------------------------------------

    def sitting(self) -> Sitting:
        engine = self._engine
        with opened(self._database, read_only=True) as connection:
            row = records.read_attempt(connection, engine.attempt_id)
            manifest = _manifest(connection, row.pack_id)
        items = paper_items(engine.form, self._bank) if self._bank else []
        return Sitting(
            attempt_id=row.id,
            learner_id=row.learner_id,
            pack_id=row.pack_id,
            title=str(manifest["title"]),
            items=items,
            answers=engine.answers,
            flagged=engine.flagged,
            remaining_s=engine.remaining_s(),
            state=engine.state,
            policy=str(manifest["assessment"].get("lockdown_policy", "block")),
            position=engine.position,
        )

    def answer(self, *, item_id: str, response: Any) -> str:
        """Save an answer durably; returns the item id once it is on disk."""
        self._engine.answer(item_id=item_id, response=response)
        return item_id

    def flag(self, *, item_id: str, flagged: bool) -> None:
        self._engine.flag(item_id=item_id, flagged=flagged)

    def viewed(self, *, item_id: str) -> None:
        self._engine.viewed(item_id=item_id)

    def incident(self, *, kind: str, detail: str) -> None:
        self._engine.incident(kind=kind, detail=detail)

    def tick(self) -> tuple[AttemptState, float]:
        """Charge the time since the last tick; the state (``scored`` when time ran out)."""
        state = self._engine.tick()
        return state, self._engine.remaining_s()

    def submit(self) -> Outcome:
        result = self._engine.submit()
        return self._outcome(result, ended_by=str(result.document["timing"]["ended_by"]))

    def outcome(self) -> Outcome:
        """The loaded attempt's outcome once it has ended (time up or submitted)."""
        result = self._engine.result()
        if result is None:
            raise ExamError("this attempt has no result yet")
        return self._outcome(result, ended_by=str(result.document["timing"]["ended_by"]))

    def _outcome(self, result: ExamResult, *, ended_by: str) -> Outcome:
        self._forget_bank()
        with opened(self._database) as connection:
            row = records.read_attempt(connection, result.attempt_id)
            manifest = _manifest(connection, row.pack_id)
            decision = retake_allowed(
                connection,
                learner_id=row.learner_id,
                pack_id=row.pack_id,
                blueprint=manifest["assessment"],
                now=self._wall(),
            )
        titles = {s["id"]: s["title"] for s in manifest["skills"]}
        score = result.score
        level = score.proficiency_level
        skills = [
            (skill_id, titles.get(skill_id, skill_id), s.ratio, s.ratio >= level - 1e-9)
            for skill_id, s in sorted(score.skills.items(), key=lambda kv: titles.get(kv[0], ""))
        ]
        review = [(skill_id, title) for skill_id, title, _ratio, met in skills if not met]
        return Outcome(
            attempt_id=result.attempt_id,
            pack_id=row.pack_id,
            title=str(manifest["title"]),
            passed=result.passed,
            score_ratio=score.ratio,
            proficiency=level,
            skills=skills,
            review=review,
            retake_text=next_try_text(in_words(decision, titles), passed=result.passed),
            ended_by=ended_by,
        )

    def set_accommodation(self, *, learner_id: str, multiplier: float, set_by: str) -> None:
        self._engine.set_accommodation(learner_id=learner_id, multiplier=multiplier, set_by=set_by)


def _manifest(connection: sqlite3.Connection, pack_id: str) -> dict[str, Any]:
    manifest = load_manifest(connection, pack_id)
    if manifest is None or "assessment" not in manifest:
        raise ExamError(f"{pack_id} has no assessment on this station")
    return manifest
