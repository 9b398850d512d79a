"""The live board's read: one tile per station a viewer may see, those needing them first.

A viewer sees a station while its signed-in learner is in one of their classes (the one
access rule, mcdesk.server.web.access), or while nobody is signed in on it (a free seat
of their school). A station silent for ``OFFLINE_AFTER_S`` is shown offline since its
last report, with nothing of that report shown as live.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from mcdesk.protocol.codes import format_code
from mcdesk.protocol.live import ACK_WAIT_S, OFFLINE_AFTER_S, incident_words
from mcdesk.server.live.commands import station_code
from mcdesk.server.live.models import LiveState, ProctorCommand
from mcdesk.server.models import Learner, SchoolClass, Station
from mcdesk.server.web.access import NotAllowed, Viewer, visible_classes

RECENT_COMMANDS = timedelta(minutes=10)
LOW_TIME_S = 5 * 60
ACTION_WORDS = {
    "unlock": "Unlock",
    "resume": "Resume",
    "extend": "Add time",
    "pause": "Pause",
    "end": "End",
}
WAITING_WORDS = {
    "start": "to start",
    "resume": "to resume",
    "dismiss": "to return to the paper",
    "extend": "to add time",
    "pause": "to pause",
    "leave": "to leave",
}


@dataclass(frozen=True, slots=True)
class CommandView:
    """The newest command for a tile, in words; the code to type when it did not arrive."""

    action: str
    status: str  # sending, done, refused, not-delivered
    words: str
    code: str | None = None
    counter: int | None = None


@dataclass(frozen=True, slots=True)
class Tile:
    station_id: str
    station: str
    last_contact: str
    last_contact_iso: str
    learner: str = ""  # "" when nobody is signed in
    doing: str = ""
    state: str = "idle"  # waiting, paused, running, submitted, locked, idle, offline
    state_words: str = ""
    attempt_id: str | None = None
    time_left: str = ""
    time_low: bool = False  # under LOW_TIME_S left in a running attempt
    answered: str = ""
    incidents: list[str] = field(default_factory=list)
    incident_count: int = 0
    needs_teacher: bool = False
    command: CommandView | None = None
    can: tuple[str, ...] = ()  # actions the tile offers


@dataclass(frozen=True, slots=True)
class Board:
    tiles: list[Tile]
    version: int  # microseconds of the newest report: a board asks for changes after it
    class_id: str | None


def minutes_left(seconds: int) -> str:
    minutes, rest = divmod(max(0, seconds), 60)
    return f"{minutes}:{rest:02d} left"


def clock_time(moment: datetime) -> str:
    """The server's local time (the teacher's laptop, or the school's server)."""
    return moment.astimezone().strftime("%H:%M:%S")


def _visible_learners(session: Session, *, viewer: Viewer, class_id: str | None) -> dict[str, str]:
    classes = [c.id for c in visible_classes(session, viewer=viewer)]
    if class_id is not None:
        classes = [c for c in classes if c == class_id]
    if not classes:
        return {}
    rows = session.exec(
        select(Learner.id, Learner.display_name).where(col(Learner.class_id).in_(classes))
    ).all()
    return dict(rows)


def _command_view(
    session: Session, command: ProctorCommand | None, *, now: datetime
) -> CommandView | None:
    if command is None:
        return None
    action = ACTION_WORDS.get(command.action, command.action)
    if command.acked_at is not None and command.outcome == "done":
        return CommandView(command.action, "done", f"{action}: done on the station.")
    code = station_code(session, station_id=command.station_id, counter=command.counter)
    typed = None if code is None else format_code(code)
    if command.acked_at is not None:
        words = f"{action}: the station refused it ({command.outcome})."
        return CommandView(command.action, "refused", words, typed, command.counter)
    late = now - _aware(command.created_at) > timedelta(seconds=ACK_WAIT_S)
    if late or now > _aware(command.expires_at):
        words = f"{action}: not delivered."
        return CommandView(command.action, "not-delivered", words, typed, command.counter)
    return CommandView(command.action, "sending", f"{action}: sending…")


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _tile(
    session: Session,
    *,
    station: Station,
    live: LiveState,
    learners: dict[str, str],
    command: ProctorCommand | None,
    now: datetime,
) -> Tile:
    received = _aware(live.received_at)
    document: dict[str, Any] = json.loads(live.document)
    seen = clock_time(received)
    base = Tile(
        station_id=station.id,
        station=station.name,
        last_contact=seen,
        last_contact_iso=received.isoformat(),
        command=_command_view(session, command, now=now),
        learner="" if live.learner_id is None else learners.get(live.learner_id, ""),
    )
    if now - received > timedelta(seconds=OFFLINE_AFTER_S):
        return replace(base, state="offline", state_words=f"Offline since {seen}")
    doing = document["doing"]
    attempt = document.get("attempt")
    if attempt is None:
        if doing["kind"] == "studying":
            skill = f": {doing['skill']}" if doing.get("skill") else ""
            return replace(base, doing=f"Studying {doing['title']}{skill}", state_words="Studying")
        words = "Free" if not base.learner else "Not in an assessment"
        return replace(base, state_words=words)
    return _attempt_tile(base, attempt)


def _attempt_tile(base: Tile, attempt: dict[str, Any]) -> Tile:
    waiting = attempt.get("waiting")
    state = attempt["state"]
    can: tuple[str, ...] = ()
    if waiting is not None:
        tile_state = "waiting"
        asked = WAITING_WORDS.get(waiting["action"], "")
        state_words = f"Waiting for code #{waiting['counter']} {asked}".strip()
        can = ("unlock", "extend")
    elif state == "paused":
        tile_state, state_words, can = "paused", "Paused", ("resume", "extend")
    elif state == "running":
        tile_state, state_words, can = "running", "In the assessment", ("extend", "pause", "end")
    elif state in ("submitted", "expired", "scored"):
        tile_state, state_words = "submitted", "Submitted"
    else:
        tile_state, state_words = "locked", "Locked: waiting to start"
    return replace(
        base,
        doing=f"Assessment: {attempt['title']}",
        state=tile_state,
        state_words=state_words,
        attempt_id=attempt["id"],
        time_left="" if tile_state == "submitted" else minutes_left(attempt["remaining_s"]),
        time_low=tile_state == "running" and attempt["remaining_s"] < LOW_TIME_S,
        answered=f"{attempt['answered']} of {attempt['total']} answered",
        incidents=[incident_words(k) for k in attempt["incidents"]],
        incident_count=attempt["incident_count"],
        needs_teacher=tile_state in ("waiting", "paused"),
        can=can,
    )


def _rank(tile: Tile) -> tuple[int, str]:
    trouble = tile.command is not None and tile.command.status in ("refused", "not-delivered")
    order = 0 if tile.needs_teacher or trouble else 2 if tile.state == "offline" else 1
    return order, tile.station.casefold()


def board_for(
    session: Session, *, viewer: Viewer, now: datetime, class_id: str | None = None
) -> Board:
    """The tiles this viewer may see (of one class, if given), those needing them first."""
    learners = _visible_learners(session, viewer=viewer, class_id=class_id)
    rows = session.exec(
        select(Station, LiveState)
        .join(LiveState, col(LiveState.station_id) == col(Station.id))
        .where(col(Station.school_id) == viewer.school_id, col(Station.revoked_at).is_(None))
    ).all()
    shown = [
        (station, live)
        for station, live in rows
        if live.learner_id is None or live.learner_id in learners
    ]
    latest: dict[str, ProctorCommand] = {}
    if shown:
        commands = session.exec(
            select(ProctorCommand)
            .where(
                col(ProctorCommand.station_id).in_([s.id for s, _ in shown]),
                col(ProctorCommand.created_at) > now - RECENT_COMMANDS,
            )
            .order_by(col(ProctorCommand.created_at))
        ).all()
        latest = {c.station_id: c for c in commands}
    tiles = [
        _tile(
            session,
            station=station,
            live=live,
            learners=learners,
            command=latest.get(station.id),
            now=now,
        )
        for station, live in shown
    ]
    return Board(sorted(tiles, key=_rank), latest_report(session), class_id)


def latest_report(session: Session) -> int:
    """When a report last changed a tile, in µs: the version a board asks changes after."""
    newest = session.exec(select(func.max(LiveState.changed_at))).one()
    return 0 if newest is None else int(_aware(newest).timestamp() * 1_000_000)


def station_in_reach(session: Session, *, viewer: Viewer, station_id: str) -> LiveState:
    """The station's live state if the viewer may act on it; NotAllowed otherwise."""
    live = session.get(LiveState, station_id)
    station = session.get(Station, station_id)
    learners = _visible_learners(session, viewer=viewer, class_id=None)
    if (
        live is None
        or station is None
        or station.school_id != viewer.school_id
        or live.learner_id not in learners
    ):
        raise NotAllowed("That station is not one of yours, or it does not exist.")
    return live


def stations_of_class(session: Session, *, school_class: SchoolClass) -> list[LiveState]:
    """Live states of stations whose signed-in learner is in the class."""
    learner_ids = session.exec(
        select(Learner.id).where(col(Learner.class_id) == school_class.id)
    ).all()
    if not learner_ids:
        return []
    return list(
        session.exec(
            select(LiveState).where(col(LiveState.learner_id).in_(list(learner_ids)))
        ).all()
    )
