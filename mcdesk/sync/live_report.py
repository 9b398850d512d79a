"""What a station tells the board: who is here, what they do, and how their attempt stands.

The screens say who is signed in, what they are doing and which code the prompt asks for
(``Activity``, set from the GUI thread, read from the live thread: it is replaced whole,
never changed in place). The attempt's facts come from the store (raw sqlite3, read-only):
the engine checkpoints its clock every second, so time left is at most a second old.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcdesk.content.catalog import load_manifest
from mcdesk.store.connection import opened

ACTIVE_STATES = ("unlocked", "running", "paused")
INCIDENTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Activity:
    """What the station's screens show now."""

    learner_id: str | None = None
    learner_name: str = ""
    doing: str = "idle"  # idle, studying, assessment
    title: str = ""  # the micro-credential (its id, if the title is to be looked up)
    skill: str | None = None  # the skill being studied (its id, looked up like the title)
    attempt_id: str | None = None
    waiting: str | None = None  # what the code prompt on screen asks for (resume, dismiss, …)


class ActivityBox:
    """The latest ``Activity``, shared between the GUI thread and the live thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._activity = Activity()
        self._changed = threading.Event()

    def set(self, activity: Activity) -> None:
        with self._lock:
            if activity != self._activity:
                self._activity = activity
                self._changed.set()

    def get(self) -> Activity:
        with self._lock:
            return self._activity

    def take_change(self) -> bool:
        """Whether it changed since the last call (the live thread sends at once if so)."""
        changed = self._changed.is_set()
        self._changed.clear()
        return changed


def _attempt_id(connection: sqlite3.Connection, activity: Activity) -> str | None:
    if activity.attempt_id is not None:
        return activity.attempt_id
    if activity.learner_id is None:
        return None
    row = connection.execute(
        "SELECT id FROM attempt WHERE learner_id = ? AND state IN ('unlocked', 'running', "
        "'paused') ORDER BY created_at DESC LIMIT 1",
        (activity.learner_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def attempt_facts(
    connection: sqlite3.Connection, *, attempt_id: str, waiting: str | None
) -> dict[str, Any] | None:
    """An attempt as the board shows it, or None if the store has no such attempt."""
    row = connection.execute(
        "SELECT a.state, a.time_limit_s, a.extra_s, a.elapsed_s, a.form, "
        "coalesce(p.title, a.pack_id) FROM attempt AS a LEFT JOIN pack AS p ON p.id = a.pack_id "
        "WHERE a.id = ?",
        (attempt_id,),
    ).fetchone()
    if row is None:
        return None
    state, limit_s, extra_s, elapsed_s, form, title = row
    (answered,) = connection.execute(
        "SELECT count(*) FROM attempt_answer WHERE attempt_id = ? AND response IS NOT NULL",
        (attempt_id,),
    ).fetchone()
    incidents = [
        str(json.loads(body)["data"].get("kind", ""))
        for (body,) in connection.execute(
            "SELECT body FROM exam_event WHERE attempt_id = ? AND kind = 'incident' "
            "ORDER BY seq DESC",
            (attempt_id,),
        ).fetchall()
    ]
    (counter,) = connection.execute(
        "SELECT min(counter) FROM exam_key_slot WHERE used_at IS NULL"
    ).fetchone()
    asks = waiting if state in ACTIVE_STATES else None
    return {
        "id": attempt_id,
        "title": str(title),
        "state": str(state),
        "remaining_s": max(0, round(float(limit_s) + float(extra_s) - float(elapsed_s))),
        "answered": int(answered),
        "total": len(json.loads(form)["items"]),
        "incident_count": len(incidents),
        "incidents": incidents[:INCIDENTS_SHOWN],
        "waiting": None
        if asks is None or counter is None
        else {"action": asks, "counter": counter},
        "next_counter": 0 if counter is None else int(counter),
    }


def _titles(
    connection: sqlite3.Connection, pack_id: str, skill_id: str | None
) -> tuple[str, str | None]:
    """The pack's and skill's titles when ``pack_id`` names an installed pack; else as given."""
    manifest = load_manifest(connection, pack_id) if pack_id else None
    if manifest is None:
        return pack_id, skill_id
    skills = {str(s["id"]): str(s["title"]) for s in manifest.get("skills", [])}
    return str(manifest.get("title", pack_id)), None if skill_id is None else skills.get(
        skill_id, skill_id
    )


def live_report(
    database: Path, activity: Activity, *, acks: list[dict[str, Any]]
) -> dict[str, Any]:
    """The report the station posts (mcdesk.protocol.live.check_report is its shape)."""
    with opened(database, read_only=True) as connection:
        attempt_id = _attempt_id(connection, activity)
        attempt = (
            None
            if attempt_id is None
            else attempt_facts(connection, attempt_id=attempt_id, waiting=activity.waiting)
        )
        title, skill = _titles(connection, activity.title, activity.skill)
    learner = (
        None
        if activity.learner_id is None
        else {"id": activity.learner_id, "name": activity.learner_name}
    )
    return {
        "learner": learner,
        "doing": {"kind": activity.doing, "title": title, "skill": skill},
        "attempt": attempt,
        "acks": acks,
    }
