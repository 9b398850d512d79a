"""Proctor commands: made for one station and one attempt, signed by the server key.

The command carries the code the station's prompt asks for (the server is its code
issuer, mcdesk.server.issuer), so the station applies it exactly as a typed code. When a
command is not acknowledged in time the board shows that same code to type instead.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlmodel import Session

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.codes import code_for
from mcdesk.protocol.commands import command_document
from mcdesk.protocol.files import signed_document
from mcdesk.protocol.live import ACTIONS, COMMAND_KIND, COMMAND_TTL_S, MAX_EXTEND_MINUTES
from mcdesk.server.live.models import ProctorCommand
from mcdesk.server.models import StationIssuer
from mcdesk.server.signer import ServerSigner


class CommandNotMade(Exception):
    """The board cannot send this action; the message says why, in words."""


def station_code(session: Session, *, station_id: str, counter: int) -> str | None:
    """Code #counter of the station, if the server is its code issuer."""
    issuer = session.get(StationIssuer, station_id)
    if issuer is None or counter < 1:
        return None
    return code_for(issuer.secret, station_id=station_id, counter=counter)


def make_command(
    session: Session,
    signer: ServerSigner,
    *,
    station_id: str,
    attempt_id: str,
    action: str,
    minutes: int,
    counter: int,
    teacher_id: str,
    now: datetime,
) -> ProctorCommand:
    """A signed command, stored for delivery (caller commits)."""
    if action not in ACTIONS:
        raise CommandNotMade(f"There is no action {action!r}.")
    if action == "extend" and not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise CommandNotMade(f"Add 1 to {MAX_EXTEND_MINUTES} minutes.")
    code = station_code(session, station_id=station_id, counter=counter)
    if code is None:
        raise CommandNotMade(
            "This server does not issue this station's codes, or it has none left: "
            "use the station's teacher page."
        )
    command_id = str(uuid.uuid4())
    expires_at = now + timedelta(seconds=COMMAND_TTL_S)
    document = command_document(
        command_id=command_id,
        station_id=station_id,
        attempt_id=attempt_id,
        action=action,
        minutes=minutes if action == "extend" else 0,
        counter=counter,
        code=code,
        issued_at=now,
        expires_at=expires_at,
    )
    envelope = signed_document(COMMAND_KIND, canonical_json(document), signer.private_key)
    row = ProctorCommand(
        id=command_id,
        station_id=station_id,
        attempt_id=attempt_id,
        action=action,
        minutes=document["minutes"],
        counter=counter,
        envelope=json.dumps(envelope),
        issued_by=teacher_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    return row
