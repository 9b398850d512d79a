"""Random sequences of exam operations, crashes included, against the engine's invariants."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.eventlog import verify_log
from mcdesk.exam.states import EDGES, AttemptState, ExamError, TimeUpError
from tests.exam.bank import LEARNER, PACK, VERSION, blueprint, make_bank
from tests.exam.conftest import FakeMonotonic, FakeWall

BANK = make_bank()
BLUEPRINT = blueprint(time_limit_minutes=0.5, items_per_skill=2)  # short: time runs out
ACTIONS = ("start", "resume", "extend", "pause", "leave")
# One call may pass through submitted or expired on its way to scored.
ALLOWED = EDGES | {("running", "scored")}
RESPONSES = st.one_of(
    st.none(),
    st.sampled_from(["a", "b", "c", "d"]),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=12),
    st.fixed_dictionaries({"p1": st.sampled_from("abc"), "p2": st.sampled_from("abc")}),
)


class ExamMachine(RuleBasedStateMachine):
    template: ClassVar[Path]
    key: ClassVar[Ed25519PrivateKey]

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.database = Path(self.folder.name) / "store.sqlite3"
        shutil.copyfile(self.template, self.database)
        self.mono = FakeMonotonic()
        self.wall = FakeWall()
        self.engine = self._engine()
        self.counter = 0
        self._new_attempt()

    def _engine(self) -> ExamEngine:
        return ExamEngine(
            database=self.database, station_key=self.key, monotonic=self.mono, wall=self.wall
        )

    def _new_attempt(self) -> None:
        self.attempt_id = self.engine.create_attempt(
            learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=BLUEPRINT, bank=BANK
        )
        self.items = [item["id"] for item in self.engine.form["items"]]
        self.acked: dict[str, Any] = {}
        self.persisted = 0.0  # elapsed time the store holds, per the model
        self.running_time = 0.0  # the most that could have been charged
        self.extended = 0.0
        self.grant: str | None = None  # what the last accepted code allows, per the model
        self.state: AttemptState = "ready"

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> bool:
        """Run an operation; True if it succeeded. Only the engine's own errors may escape."""
        before = self.engine.state
        try:
            getattr(self.engine, operation)(*args, **kwargs)
            ok = True
        except TimeUpError:
            assert self.engine.state == "scored"
            ok = False
            self.persisted = self.engine.elapsed_s()
            self.grant = None
        except ExamError:
            ok = False
        after = self.engine.state
        assert after == before or (before, after) in ALLOWED, (operation, before, after)
        self._check_codes(operation, before, ok, args, kwargs)
        if ok and operation not in ("open_bank", "remaining_s", "elapsed_s"):
            self.persisted = self.engine.elapsed_s()
        self.state = after
        return ok

    def _check_codes(
        self, operation: str, before: str, ok: bool, args: Any, kwargs: dict[str, Any]
    ) -> None:
        """Start needs an unlocked attempt; pause, resume, leave and extend their own code."""
        if operation == "start" and ok:
            assert before == "unlocked"
        if operation in ("pause", "resume", "leave", "extend") and ok:
            assert self.grant == operation, (operation, self.grant)
            self.grant = None
        if operation == "unlock" and ok:
            action = kwargs["action"]
            self.grant = None if action == "start" else action

    @initialize(start=st.sampled_from([True, True, True, False]))
    def begin(self, start: bool) -> None:
        if start:  # most examples begin running; the others cover ready and unlocked
            self.start_with_code()

    @rule(action=st.sampled_from(ACTIONS))
    def code(self, action: str) -> None:
        """A teacher types a code for any action, fitting the state or not."""
        self.counter += 1
        self._call("unlock", self.attempt_id, action=action, counter=self.counter)

    @rule()
    def start_with_code(self) -> None:
        self.code("start")
        self._call("start")

    @rule()
    def pause_with_code(self) -> None:
        self.code("pause")
        self._call("pause")

    @rule()
    def resume_with_code(self) -> None:
        self._call("open_bank", blueprint=BLUEPRINT, bank=BANK)
        self.code("resume")
        self._call("resume")

    @rule()
    def leave_with_code(self) -> None:
        self.code("leave")
        self._call("leave")

    @rule(minutes=st.integers(min_value=1, max_value=3))
    def extend_with_code(self, minutes: int) -> None:
        self.code("extend")
        if self._call("extend", minutes=minutes):
            self.extended += minutes * 60

    @rule(operation=st.sampled_from(["start", "pause", "resume", "leave"]))
    def without_a_code(self, operation: str) -> None:
        self._call(operation)

    @rule(index=st.integers(min_value=0, max_value=5), response=RESPONSES)
    def answer(self, index: int, response: Any) -> None:
        item_id = self.items[index]
        if self._call("answer", item_id=item_id, response=response):
            self.acked[item_id] = response

    @rule(
        seconds=st.floats(min_value=0, max_value=3),
        index=st.integers(min_value=0, max_value=5),
        response=RESPONSES,
    )
    def think_then_answer(self, seconds: float, index: int, response: Any) -> None:
        self.advance(seconds)
        self.answer(index, response)

    @rule(index=st.integers(min_value=0, max_value=5), flagged=st.booleans())
    def flag(self, index: int, flagged: bool) -> None:
        self._call("flag", item_id=self.items[index], flagged=flagged)

    @rule()
    def incident(self) -> None:
        self._call("incident", kind="focus_lost", detail="test")

    @rule(seconds=st.floats(min_value=0, max_value=20))
    def advance(self, seconds: float) -> None:
        if self.engine.state == "running":
            self.running_time += seconds
        self.mono.advance(seconds)

    @rule(hours=st.sampled_from([-2, 2]))
    def jump_wall_clock(self, hours: int) -> None:
        before = self.engine.elapsed_s()
        self.wall.shift(timedelta(hours=hours))
        assert self.engine.elapsed_s() == before

    @rule()
    def tick(self) -> None:
        self._call("tick")

    @rule()
    def checkpoint(self) -> None:
        self._call("checkpoint")

    @rule()
    def submit(self) -> None:
        self._call("submit")

    @rule(dead_seconds=st.floats(min_value=0, max_value=900))
    def crash_and_reload(self, dead_seconds: float) -> None:
        before = self.engine.state
        self.engine._db.close()  # what a killed process leaves: no checkpoint, no close
        self.mono.advance(dead_seconds)
        self.engine = self._engine()
        self.engine.load(self.attempt_id)
        self.grant = None  # an unused code dies with the process
        after = self.engine.state
        assert after == before or (before, after) == ("running", "paused")
        assert self.engine.elapsed_s() == pytest.approx(self.persisted, abs=1e-3)
        for item_id, response in self.acked.items():
            assert self.engine.answers.get(item_id) == response
        self.state = after

    @precondition(lambda self: self.state == "scored")
    @rule()
    def retake(self) -> None:
        self._new_attempt()

    @invariant()
    def time_stays_within_the_rules(self) -> None:
        elapsed = self.engine.elapsed_s()
        assert 0 <= elapsed <= self.running_time + 1e-6
        assert elapsed <= 30 + self.extended + 1e-6
        assert self.engine.remaining_s() >= 0

    @invariant()
    def acknowledged_answers_are_stored(self) -> None:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as reader:
            rows = reader.execute(
                "SELECT item_id, response FROM attempt_answer WHERE attempt_id = ?",
                (self.attempt_id,),
            ).fetchall()
        reader.close()
        stored = {item: None if text is None else json.loads(text) for item, text in rows}
        for item_id, response in self.acked.items():
            assert stored.get(item_id) == response
            if self.engine.state != "scored":
                assert self.engine.answers.get(item_id) == response

    def teardown(self) -> None:
        self.engine.close()
        with sqlite3.connect(self.database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert verify_log(connection, self.key.public_key()) == []
        connection.close()
        self.folder.cleanup()


def test_random_operation_sequences_keep_the_invariants(
    store_template: Path, station_key: Ed25519PrivateKey
) -> None:
    ExamMachine.template = store_template
    ExamMachine.key = station_key
    run_state_machine_as_test(
        ExamMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
