"""The study desk: every read and write a signed-in learner's screens need, in one place.

The UI calls these methods on worker threads (never on the GUI thread); each method opens
its own connection or session, so calls from different threads do not share state. The
SQLAlchemy engine is made on first use, off the start-up path.
"""

from __future__ import annotations

import posixpath
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mcdesk.content.access import granted_pack_ids, is_granted
from mcdesk.content.catalog import CatalogEntry, list_catalog, load_manifest, read_pack_file
from mcdesk.errors import McdeskError
from mcdesk.store.connection import opened
from mcdesk.store.lazy_engine import LazyEngine
from mcdesk.study import prefs as prefs_store
from mcdesk.study import progress, signin
from mcdesk.study.announcement_reads import record_reads
from mcdesk.study.home import LearnerHome, RosterEntry, learner_home, roster
from mcdesk.study.progress import SkillState


@dataclass(frozen=True, slots=True)
class Learner:
    id: str
    display_name: str
    class_name: str


@dataclass(frozen=True, slots=True)
class HomePage:
    learner: Learner
    home: LearnerHome
    skill_titles: dict[tuple[str, str], str]


@dataclass(frozen=True, slots=True)
class PackPageData:
    entry: CatalogEntry
    manifest: dict[str, Any]
    states: dict[str, SkillState]
    granted: bool


@dataclass(frozen=True, slots=True)
class SkillPage:
    pack_id: str
    pack_title: str
    skill: dict[str, Any]
    lesson_markdown: str
    images: dict[str, bytes]  # by the path the lesson's Markdown uses
    state: SkillState


class NotFound(McdeskError, LookupError):
    """A learner, micro-credential or skill that is not on this station (any more)."""


class NotGranted(McdeskError, PermissionError):
    """The learner has no access to this micro-credential; their teacher can grant it."""


class StudyDesk:
    def __init__(self, database: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self._database = database
        self._clock = clock or (lambda: datetime.now(UTC))
        self._store = LazyEngine(database)

    @property
    def database(self) -> Path:
        return self._database

    @property
    def engine(self) -> Engine:
        return self._store.get()

    def close(self) -> None:
        self._store.dispose()

    # Signing in -------------------------------------------------------------------------

    def roster(self) -> list[RosterEntry]:
        with opened(self._database, read_only=True) as connection:
            return roster(connection)

    def sign_in_learner(self, *, learner_id: str, pin: str) -> signin.SignInResult:
        return signin.sign_in_learner(
            self.engine, learner_id=learner_id, pin=pin, now=self._clock()
        )

    def sign_in_teacher(self, *, username: str, password: str) -> signin.SignInResult:
        return signin.sign_in_teacher(
            self.engine, username=username, password=password, now=self._clock()
        )

    def learner(self, learner_id: str) -> Learner:
        with opened(self._database, read_only=True) as connection:
            row = connection.execute(
                "SELECT l.id, l.display_name, c.name FROM learner AS l "
                "JOIN school_class AS c ON c.id = l.class_id WHERE l.id = ?",
                (learner_id,),
            ).fetchone()
        if row is None:
            raise NotFound("That learner is no longer on this station's roster.")
        return Learner(*row)

    def prefs(self, learner_id: str) -> prefs_store.ReadingPrefs:
        return prefs_store.load_prefs(self.engine, learner_id=learner_id)

    def save_prefs(self, learner_id: str, prefs: prefs_store.ReadingPrefs) -> None:
        prefs_store.save_prefs(self.engine, learner_id=learner_id, prefs=prefs)

    # Reading ----------------------------------------------------------------------------

    def home(self, learner_id: str) -> HomePage:
        learner = self.learner(learner_id)
        with opened(self._database, read_only=True) as connection:
            home = learner_home(connection, learner_id=learner_id, now=self._clock())
            titles: dict[tuple[str, str], str] = {}
            if home.continue_at is not None:
                pack_id = home.continue_at[0]
                manifest = load_manifest(connection, pack_id) or {"skills": []}
                for skill in manifest["skills"]:
                    titles[(pack_id, skill["id"])] = skill["title"]
        return HomePage(learner=learner, home=home, skill_titles=titles)

    def catalog(self) -> list[CatalogEntry]:
        with opened(self._database, read_only=True) as connection:
            return list_catalog(connection)

    def pack_page(self, learner_id: str, pack_id: str) -> PackPageData:
        with opened(self._database, read_only=True) as connection:
            entry = next((e for e in list_catalog(connection) if e.id == pack_id), None)
            manifest = load_manifest(connection, pack_id)
            if entry is None or manifest is None:
                raise NotFound("This micro-credential is not on this station any more.")
            granted = is_granted(
                granted_pack_ids(connection, learner_id=learner_id, now=self._clock()), pack_id
            )
            states = progress.skill_states(connection, learner_id=learner_id, pack_id=pack_id)
        return PackPageData(entry=entry, manifest=manifest, states=states, granted=granted)

    def open_skill(self, learner_id: str, pack_id: str, skill_id: str) -> SkillPage:
        """Load a skill's lesson and images and note that the learner opened it."""
        with opened(self._database, read_only=True) as connection:
            manifest = load_manifest(connection, pack_id)
            if manifest is None:
                raise NotFound("This micro-credential is not on this station any more.")
            granted = granted_pack_ids(connection, learner_id=learner_id, now=self._clock())
            if not is_granted(granted, pack_id):
                raise NotGranted("Ask your teacher for access to study this micro-credential.")
            skill = next((s for s in manifest["skills"] if s["id"] == skill_id), None)
            if skill is None:
                raise NotFound("This skill is not in the micro-credential any more.")
            lesson_bytes = read_pack_file(connection, pack_id, skill["lesson"]) or b""
            images = _lesson_images(connection, pack_id, skill["lesson"], manifest)
            states = progress.skill_states(connection, learner_id=learner_id, pack_id=pack_id)
        progress.record_opened(
            self.engine,
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            now=self._clock(),
        )
        state = progress.state_of(states, skill_id)
        if state.stage == "not_started":
            state = SkillState(skill_id, "in_progress", 0, False, None)
        return SkillPage(
            pack_id=pack_id,
            pack_title=str(manifest["title"]),
            skill=skill,
            lesson_markdown=lesson_bytes.decode("utf-8", errors="replace"),
            images=images,
            state=state,
        )

    # Writing ----------------------------------------------------------------------------

    def mark_studied(self, learner_id: str, pack_id: str, skill_id: str) -> None:
        progress.mark_studied(
            self.engine,
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            now=self._clock(),
        )

    def record_link(self, learner_id: str, pack_id: str, skill_id: str, url: str) -> None:
        progress.record_link_opened(
            self.engine,
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            url=url,
            now=self._clock(),
        )

    def record_announcements_read(self, learner_id: str, announcement_ids: list[str]) -> list[str]:
        return record_reads(
            self._database,
            learner_id=learner_id,
            announcement_ids=announcement_ids,
            now=self._clock(),
        )

    def add_active_time(self, learner_id: str, pack_id: str, skill_id: str, seconds: int) -> int:
        return progress.add_active_time(
            self.engine,
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            seconds=seconds,
            now=self._clock(),
        )

    def record_selfcheck(
        self,
        learner_id: str,
        pack_id: str,
        skill_id: str,
        *,
        credit: float,
        total: int,
        responses: Mapping[str, Any],
    ) -> str:
        return progress.record_selfcheck(
            self.engine,
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            credit=credit,
            total=total,
            responses=responses,
            now=self._clock(),
        )


def _lesson_images(
    connection: sqlite3.Connection, pack_id: str, lesson_path: str, manifest: Mapping[str, Any]
) -> dict[str, bytes]:
    """The skill's media files, keyed by their path relative to the lesson."""
    folder = posixpath.dirname(lesson_path)
    images: dict[str, bytes] = {}
    for entry in manifest.get("files", []):
        path = str(entry["path"])
        if path.startswith(f"{folder}/media/"):
            data = read_pack_file(connection, pack_id, path)
            if data is not None:
                images[posixpath.relpath(path, folder)] = data
    return images
