"""What a learner sees first: the roster to sign in from, then their micro-credentials."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from mcdesk.content.access import granted_pack_ids, is_granted
from mcdesk.content.catalog import CatalogEntry, list_catalog, load_manifest
from mcdesk.content.skill_states import SkillState, last_opened, skill_states, state_of
from mcdesk.study.announcements import Notice, notices_for


@dataclass(frozen=True, slots=True)
class RosterEntry:
    learner_id: str
    display_name: str
    class_name: str


@dataclass(frozen=True, slots=True)
class SkillLine:
    skill_id: str
    title: str
    state: SkillState


@dataclass(frozen=True, slots=True)
class PackProgress:
    entry: CatalogEntry
    skills: tuple[SkillLine, ...]
    next_step: str
    next_skill_id: str | None

    @property
    def done(self) -> int:
        return sum(1 for line in self.skills if line.state.mastered)


@dataclass(frozen=True, slots=True)
class LearnerHome:
    mine: tuple[PackProgress, ...]
    continue_at: tuple[str, str] | None  # (pack id, skill id)
    not_granted: tuple[CatalogEntry, ...]
    notices: tuple[Notice, ...] = ()  # the class's announcements, newest first


def roster(connection: sqlite3.Connection) -> list[RosterEntry]:
    """Everyone who may sign in on this station, by name."""
    rows = connection.execute(
        "SELECT l.id, l.display_name, c.name FROM learner AS l "
        "JOIN school_class AS c ON c.id = l.class_id ORDER BY l.display_name COLLATE NOCASE"
    )
    return [RosterEntry(*row) for row in rows]


def next_step(lines: tuple[SkillLine, ...], *, preview: bool) -> tuple[str, str | None]:
    """The one thing to do next, in plain words, and the skill it is about."""
    for line in lines:
        if line.state.stage == "not_started":
            return f"Start “{line.title}”", line.skill_id
    for line in lines:
        if not line.state.studied:
            return f"Finish reading “{line.title}”", line.skill_id
    for line in lines:
        if not line.state.mastered:
            return f"Pass the self-check for “{line.title}”", line.skill_id
    if preview:
        return "You explored every skill in this preview", None
    return "Ready for the assessment: ask your teacher", None


def learner_home(connection: sqlite3.Connection, *, learner_id: str, now: datetime) -> LearnerHome:
    granted = granted_pack_ids(connection, learner_id=learner_id, now=now)
    mine: list[PackProgress] = []
    others: list[CatalogEntry] = []
    for entry in list_catalog(connection):
        if not is_granted(granted, entry.id):
            others.append(entry)
            continue
        manifest = load_manifest(connection, entry.id) or {"skills": []}
        states = skill_states(connection, learner_id=learner_id, pack_id=entry.id)
        lines = tuple(
            SkillLine(s["id"], s["title"], state_of(states, s["id"])) for s in manifest["skills"]
        )
        step, skill_id = next_step(lines, preview=entry.preview)
        mine.append(PackProgress(entry, lines, step, skill_id))
    # What the learner has started first, then full micro-credentials before previews.
    mine.sort(
        key=lambda p: (
            all(line.state.stage == "not_started" for line in p.skills),
            p.entry.preview,
            p.entry.title.casefold(),
        )
    )
    return LearnerHome(
        mine=tuple(mine),
        continue_at=last_opened(connection, learner_id=learner_id),
        not_granted=tuple(others),
        notices=notices_for(connection, learner_id=learner_id, today=now.date()),
    )
