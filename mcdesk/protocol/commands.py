"""A proctor command as the station checks it: signed by the pinned server key, for this station.

Security rule: nothing a command says is used before its signature holds against the
server key the station pinned (``open_signed``). Then it must name this station, be
unexpired on the station's clock, and (checked where it is applied, mcdesk.exam.remote)
name the attempt on screen and never have been applied before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.files import FileRefused, open_signed
from mcdesk.protocol.live import ACTIONS, COMMAND_KIND, MAX_EXTEND_MINUTES

MAX_COMMAND_BYTES = 4096


class CommandRefused(Exception):
    """A command the station will not apply; the reason goes back to the board."""

    def __init__(self, reason: str, *, command_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.command_id = command_id


@dataclass(frozen=True, slots=True)
class ProctorCommand:
    """One checked command: one action, for one attempt on this station, used once."""

    command_id: str
    station_id: str
    attempt_id: str
    action: str
    minutes: int
    counter: int
    code: str = field(repr=False)
    expires_at: datetime


def command_document(
    *,
    command_id: str,
    station_id: str,
    attempt_id: str,
    action: str,
    minutes: int,
    counter: int,
    code: str,
    issued_at: datetime,
    expires_at: datetime,
) -> dict[str, Any]:
    """What the server signs (mcdesk.server.live.commands)."""
    return {
        "command_id": command_id,
        "station_id": station_id,
        "attempt_id": attempt_id,
        "action": action,
        "minutes": minutes,
        "counter": counter,
        "code": code,
        "issued_at": issued_at.isoformat(),
        "expires_at": expires_at.isoformat(),
    }


def open_command(
    envelope: Any, *, key: Ed25519PublicKey, station_id: str, now: datetime
) -> ProctorCommand:
    """The checked command in ``envelope``; CommandRefused with the reason otherwise."""
    try:
        body = open_signed(envelope, kind=COMMAND_KIND, key=key, what="the proctor command")
        document = read_json(body, what="the proctor command", max_bytes=MAX_COMMAND_BYTES)
    except (FileRefused, JsonRefused) as exc:
        raise CommandRefused(str(exc)) from None
    if not isinstance(document, dict):
        raise CommandRefused("the proctor command is not an object")
    command_id = document.get("command_id")
    if not isinstance(command_id, str) or not command_id:
        raise CommandRefused("the proctor command has no id")
    try:
        command = ProctorCommand(
            command_id=command_id,
            station_id=str(document["station_id"]),
            attempt_id=str(document["attempt_id"]),
            action=str(document["action"]),
            minutes=int(document["minutes"]),
            counter=int(document["counter"]),
            code=str(document["code"]),
            expires_at=datetime.fromisoformat(str(document["expires_at"])),
        )
    except (KeyError, TypeError, ValueError):
        raise CommandRefused("the proctor command is damaged", command_id=command_id) from None
    if command.station_id != station_id:
        raise CommandRefused("the command was meant for another station", command_id=command_id)
    if command.action not in ACTIONS:
        raise CommandRefused(f"unknown action {command.action!r}", command_id=command_id)
    if command.action == "extend" and not 0 < command.minutes <= MAX_EXTEND_MINUTES:
        raise CommandRefused("an extension must be 1 to 120 minutes", command_id=command_id)
    if command.expires_at.tzinfo is None or now > command.expires_at:
        raise CommandRefused("the command has expired", command_id=command_id)
    return command
