"""Applying a checked proctor command through the path a typed teacher code takes.

The command carries the code the station asks for (the server is the station's code
issuer), so applying it is the same ``ExamDesk`` call a teacher typing that code makes:
the same slot is used once, the same throttle and code log see it, the same engine edge
runs. Then the command is written to the exam log. Runs on the exam desk's worker thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mcdesk.exam.desk import ExamDesk
from mcdesk.exam.paper import CodeOutcome
from mcdesk.exam.states import ENDED, ExamError
from mcdesk.protocol.commands import CommandRefused, ProctorCommand
from mcdesk.store.connection import opened

COMMAND_EVENT = "proctor_command"


@dataclass(frozen=True, slots=True)
class Ack:
    """What the station tells the server about one command."""

    command_id: str
    ok: bool
    message: str

    def document(self) -> dict[str, object]:
        return {"command_id": self.command_id, "ok": self.ok, "message": self.message}


def applied_before(desk: ExamDesk, *, attempt_id: str, command_id: str) -> bool:
    """Whether the exam log already holds this command for this attempt (a replay)."""
    with opened(desk.database, read_only=True) as connection:
        rows = connection.execute(
            "SELECT body FROM exam_event WHERE kind = ? AND attempt_id = ?",
            (COMMAND_EVENT, attempt_id),
        ).fetchall()
    return any(json.loads(body)["data"].get("command_id") == command_id for (body,) in rows)


def _attempt_state(desk: ExamDesk, attempt_id: str) -> str | None:
    with opened(desk.database, read_only=True) as connection:
        row = connection.execute("SELECT state FROM attempt WHERE id = ?", (attempt_id,)).fetchone()
    return None if row is None else str(row[0])


def _run(desk: ExamDesk, command: ProctorCommand, *, waiting: str | None) -> CodeOutcome:
    action = command.action
    if action in ("unlock", "resume") and waiting != "dismiss":
        return desk.resume(attempt_id=command.attempt_id, code=command.code)
    if desk.engine_attempt() != command.attempt_id:
        raise CommandRefused("that attempt is not the one on this station's screen")
    if action == "unlock":  # the lockdown overlay asks for a code
        return desk.authorise(code=command.code, action="dismiss")
    if action == "extend":
        return desk.authorise(code=command.code, action="extend", minutes=command.minutes)
    if action == "end" and desk.engine.state != "running":
        raise CommandRefused("only a running attempt can be ended; resume it first")
    return desk.authorise(code=command.code, action=action)


def apply_command(desk: ExamDesk, command: ProctorCommand, *, waiting: str | None) -> Ack:
    """Apply one command; ``waiting`` is what the station's code prompt asks for, if shown."""
    state = _attempt_state(desk, command.attempt_id)
    if state is None:
        return Ack(command.command_id, False, "no such attempt on this station")
    if state in ENDED:
        return Ack(command.command_id, False, "the attempt has already ended")
    if applied_before(desk, attempt_id=command.attempt_id, command_id=command.command_id):
        return Ack(command.command_id, False, "this command was applied already (a replay)")
    try:
        outcome = _run(desk, command, waiting=waiting)
    except CommandRefused as exc:
        return Ack(command.command_id, False, exc.reason)
    except ExamError as exc:
        return Ack(command.command_id, False, str(exc))
    if not outcome.ok:
        return Ack(command.command_id, False, outcome.message)
    desk.engine.record_command(
        command_id=command.command_id, action=command.action, counter=command.counter
    )
    return Ack(command.command_id, True, outcome.message or "done")
