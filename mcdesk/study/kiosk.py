"""The career-day kiosk's core: clusters to explore, a taste to try, anonymous day counts.

Nothing here knows a visitor: the only thing written is the day's running totals, as one
coalesced outbox event (``kiosk_day``), so a visit leaves no row of its own on disk.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from mcdesk.content.catalog import list_catalog, load_manifest
from mcdesk.protocol.streams import EventKind
from mcdesk.store.connection import opened
from mcdesk.store.lazy_engine import LazyEngine
from mcdesk.store.outbox import add_event

TASTE_ITEMS = (3, 5)  # a taste asks at least 3 and at most 5 self-check items
IDLE_SECONDS_DEFAULT = 60
IDLE_SECONDS_RANGE = (20, 600)
LANGUAGES = ("English",)  # one content language today; the settings say so
LATEST_SQL = "SELECT body FROM outbox WHERE coalesce_key = :key ORDER BY seq DESC LIMIT 1"


@dataclass(frozen=True, slots=True)
class PackCard:
    id: str
    title: str
    summary: str
    skill_titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    name: str
    packs: tuple[PackCard, ...]


@dataclass(frozen=True, slots=True)
class Taste:
    pack_id: str
    title: str
    career_cluster: str
    overview: str
    skills: tuple[tuple[str, str], ...]  # (title, summary)
    items: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: str
    visits: int = 0
    clusters_viewed: int = 0
    tastes: int = 0
    points: float = 0.0
    out_of: int = 0

    @property
    def average_score(self) -> float | None:
        """The share of taste questions answered right today (None before any)."""
        return None if self.out_of == 0 else self.points / self.out_of


@dataclass(frozen=True, slots=True)
class KioskSettings:
    shown_packs: tuple[str, ...] = ()  # empty: every installed micro-credential
    idle_seconds: int = IDLE_SECONDS_DEFAULT
    school_name: str = ""
    logo_path: str = ""
    programs: dict[str, str] = field(default_factory=dict)  # career cluster → program
    program_url: str = ""

    def program_for(self, cluster: str) -> str:
        return self.programs.get(cluster, "")


def load_settings(path: Path) -> KioskSettings:
    """The kiosk settings in ``path``; defaults if the file is missing or unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return KioskSettings()
    if not isinstance(raw, dict):
        return KioskSettings()
    low, high = IDLE_SECONDS_RANGE
    idle = raw.get("idle_seconds", IDLE_SECONDS_DEFAULT)
    programs = raw.get("programs", {})
    return KioskSettings(
        shown_packs=tuple(str(p) for p in raw.get("shown_packs", []) if isinstance(p, str)),
        idle_seconds=min(high, max(low, idle)) if isinstance(idle, int) else IDLE_SECONDS_DEFAULT,
        school_name=str(raw.get("school_name", ""))[:120],
        logo_path=str(raw.get("logo_path", ""))[:1000],
        programs={str(k): str(v)[:120] for k, v in programs.items()}
        if isinstance(programs, dict)
        else {},
        program_url=str(raw.get("program_url", ""))[:500],
    )


def save_settings(path: Path, settings: KioskSettings) -> None:
    """Write the settings whole (a temporary file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(settings)
    data["shown_packs"] = list(settings.shown_packs)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def pick_items(items: list[dict[str, Any]], *, seed: int) -> tuple[dict[str, Any], ...]:
    """At most five of the pack's self-check items, drawn the same way for ``seed``."""
    rng = random.Random(seed)
    chosen = rng.sample(items, k=min(TASTE_ITEMS[1], len(items)))
    return tuple(chosen)


class KioskDesk:
    """What the kiosk reads and writes; every call opens its own connection."""

    def __init__(self, database: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self._database = database
        self._clock = clock or (lambda: datetime.now(UTC))
        self._store = LazyEngine(database)

    @property
    def engine(self) -> Engine:
        return self._store.get()

    def close(self) -> None:
        self._store.dispose()

    def clusters(self, *, shown: tuple[str, ...] = ()) -> list[Cluster]:
        """Installed micro-credentials by career cluster (only ``shown`` ones if given)."""
        with opened(self._database, read_only=True) as connection:
            entries = list_catalog(connection)
        wanted = set(shown)
        by_cluster: dict[str, list[PackCard]] = {}
        for entry in entries:
            if wanted and entry.id not in wanted:
                continue
            card = PackCard(entry.id, entry.title, entry.summary, entry.skill_titles)
            by_cluster.setdefault(entry.career_cluster, []).append(card)
        return [Cluster(name, tuple(packs)) for name, packs in by_cluster.items()]

    def taste(self, pack_id: str, *, seed: int) -> Taste:
        """A micro-credential's overview and 3–5 of its self-check items."""
        with opened(self._database, read_only=True) as connection:
            manifest = load_manifest(connection, pack_id)
        if manifest is None:
            raise LookupError("This micro-credential is not on this station any more.")
        skills = manifest.get("skills", [])
        items = [dict(item) for skill in skills for item in skill.get("self_check", [])]
        return Taste(
            pack_id=pack_id,
            title=str(manifest["title"]),
            career_cluster=str(manifest.get("career_cluster", "")),
            overview=str(manifest.get("summary", "")),
            skills=tuple((str(s["title"]), str(s.get("summary", ""))) for s in skills),
            items=pick_items(items, seed=seed),
        )

    def day_counts(self, day: date | None = None) -> DayCounts:
        """Today's totals (or ``day``'s), from the latest ``kiosk_day`` event."""
        key = _day(day or self._clock().date())
        with opened(self._database, read_only=True) as connection:
            return _latest(connection, key)

    def record_visit(
        self, *, clusters_viewed: int, tastes: int, points: float, out_of: int
    ) -> DayCounts:
        """Add one finished visit to today's totals and queue them for the server."""
        now = self._clock()
        key = _day(now.date())
        with Session(self.engine) as session:
            # The kiosk's one worker queue writes visits one at a time: no other writer.
            row = session.execute(text(LATEST_SQL), {"key": f"kiosk_day:{key}"}).first()
            before = _counts(key, None if row is None else row[0])
            after = DayCounts(
                day=key,
                visits=before.visits + 1,
                clusters_viewed=before.clusters_viewed + clusters_viewed,
                tastes=before.tastes + tastes,
                points=before.points + points,
                out_of=before.out_of + out_of,
            )
            body = asdict(after)
            add_event(
                session,
                kind=EventKind.KIOSK_DAY,
                body=body,
                now=now,
                coalesce_key=f"kiosk_day:{key}",
            )
            session.commit()
        return after


def _day(day: date) -> str:
    return day.isoformat()


def _latest(connection: sqlite3.Connection, key: str) -> DayCounts:
    row = connection.execute(LATEST_SQL, {"key": f"kiosk_day:{key}"}).fetchone()
    return _counts(key, None if row is None else row[0])


def _counts(key: str, text_body: str | bytes | None) -> DayCounts:
    if text_body is None:
        return DayCounts(day=key)
    body: Mapping[str, Any] = json.loads(text_body)
    return DayCounts(
        day=key,
        visits=int(body.get("visits", 0)),
        clusters_viewed=int(body.get("clusters_viewed", 0)),
        tastes=int(body.get("tastes", 0)),
        points=float(body.get("points", 0.0)),
        out_of=int(body.get("out_of", 0)),
    )
