"""What a learner sees first: the roster to sign in from, then their micro-credentials."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from mcdesk.content.access import ALL_PACKS, closed_since, is_granted, learner_grants, open_until
from mcdesk.content.catalog import CatalogEntry, list_catalog, load_manifest
from mcdesk.content.skill_states import SkillState, last_opened, skill_states, state_of
from mcdesk.study.announcements import Notice, notices_for
from mcdesk.study.grant_dates import (
    CloseDate,
    ClosedPack,
    close_words,
    closed_words,
    recently_closed,
)

EVERY_PACK = "Every micro-credential on this station"


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
    closes: CloseDate | None = None  # when the grant has a close date

    @property
    def done(self) -> int:
        return sum(1 for line in self.skills if line.state.mastered)


@dataclass(frozen=True, slots=True)
class LearnerHome:
    mine: tuple[PackProgress, ...]
    continue_at: tuple[str, str] | None  # (pack id, skill id)
    not_granted: tuple[CatalogEntry, ...]
    notices: tuple[Notice, ...] = ()  # the class's announcements, newest first
    closed: tuple[ClosedPack, ...] = ()  # grants closed in the last 30 days, newest first


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


def learner_home(
    connection: sqlite3.Connection,
    *,
    learner_id: str,
    now: datetime,
    zone: tzinfo | None = None,
) -> LearnerHome:
    """Home for ``learner_id``; dates in words are in ``zone`` (None: the station's own)."""
    moment = now.astimezone(UTC)
    grants = learner_grants(connection, learner_id=learner_id)
    granted = {g.pack_id for g in grants if g.open_at(moment)}
    mine: list[PackProgress] = []
    others: list[CatalogEntry] = []
    closed: list[tuple[datetime, ClosedPack]] = []
    for entry in list_catalog(connection):
        if not is_granted(granted, entry.id):
            others.append(entry)
            ended = closed_since(grants, entry.id, now=moment)
            if ended is None or ended.closes_at is None:
                continue
            if not recently_closed(ended.closes_at, now=moment):
                continue
            words = closed_words(ended.closes_at, teacher=ended.teacher, now=moment, zone=zone)
            if ended.pack_id != ALL_PACKS:
                closed.append((ended.closes_at, ClosedPack(entry.id, entry.title, words)))
            elif all(pack.pack_id != ALL_PACKS for _, pack in closed):  # said once, not per pack
                closed.append((ended.closes_at, ClosedPack(ALL_PACKS, EVERY_PACK, words)))
            continue
        manifest = load_manifest(connection, entry.id) or {"skills": []}
        states = skill_states(connection, learner_id=learner_id, pack_id=entry.id)
        lines = tuple(
            SkillLine(s["id"], s["title"], state_of(states, s["id"])) for s in manifest["skills"]
        )
        step, skill_id = next_step(lines, preview=entry.preview)
        until = open_until(grants, entry.id, now=moment)
        closes = None if until is None else close_words(until, now=moment, zone=zone)
        mine.append(PackProgress(entry, lines, step, skill_id, closes))
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
        closed=tuple(pack for _, pack in sorted(closed, key=lambda c: c[0], reverse=True)),
    )
