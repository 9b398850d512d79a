"""A station's live report stored, its acknowledgements recorded, its commands handed out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.live import MAX_COMMANDS, OFFLINE_AFTER_S
from mcdesk.server.live.models import LiveState, ProctorCommand
from mcdesk.server.models import Station


@dataclass(frozen=True, slots=True)
class Recorded:
    """What storing a report did: whether boards must look again, and the commands to send."""

    changed: bool
    commands: list[dict[str, Any]]


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def record_report(
    session: Session, *, station: Station, report: dict[str, Any], now: datetime
) -> Recorded:
    """Store the checked report and its acks; the commands to deliver (caller commits).

    A heartbeat that says what the last report said only moves ``received_at``; boards
    are told only of a difference, of an ack, or of a station back from offline.
    """
    learner = report.get("learner")
    learner_id = None if learner is None else learner["id"]
    stored = canonical_json({key: value for key, value in report.items() if key != "acks"})
    row = session.get(LiveState, station.id)
    if row is None:
        row = LiveState(
            station_id=station.id,
            learner_id=learner_id,
            document=stored.decode(),
            received_at=now,
            changed_at=now,
        )
        changed = True
    else:
        back = now - _aware(row.received_at) > timedelta(seconds=OFFLINE_AFTER_S)
        changed = back or bool(report["acks"]) or row.document != stored.decode()
        row.learner_id = learner_id
        row.document = stored.decode()
        row.received_at = now
        if changed:
            row.changed_at = now
    session.add(row)
    for ack in report["acks"]:
        # Only this station's own commands, and only once: a second ack changes nothing.
        session.execute(
            update(ProctorCommand)
            .where(
                col(ProctorCommand.id) == ack["command_id"],
                col(ProctorCommand.station_id) == station.id,
                col(ProctorCommand.acked_at).is_(None),
            )
            .values(acked_at=now, outcome="done" if ack["ok"] else ack["message"] or "refused")
        )
    waiting = session.exec(
        select(ProctorCommand)
        .where(
            col(ProctorCommand.station_id) == station.id,
            col(ProctorCommand.acked_at).is_(None),
            col(ProctorCommand.expires_at) > now,
        )
        .order_by(col(ProctorCommand.created_at))
        .limit(MAX_COMMANDS)
    ).all()
    envelopes = []
    for command in waiting:
        if command.delivered_at is None:
            command.delivered_at = now
            session.add(command)
        # Sent again until acknowledged: an answer lost on the way loses no command, and
        # the station applies each one once (its exam log remembers the id).
        envelopes.append(json.loads(command.envelope))
    return Recorded(changed=changed, commands=envelopes)
