"""The learner's wallet as home shows it: pending, issued and revoked badges, by career cluster.

Raw sqlite3 and no badge crypto, so home can read it on every visit. It lives in sync
because "pending" is a sync fact: why the school server has not sent the badge yet.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mcdesk.badges.award import iso_z
from mcdesk.badges.summary import stated_expiry
from mcdesk.content.catalog import CatalogEntry, list_catalog
from mcdesk.store.connection import opened
from mcdesk.sync.status import SERVER_PUBLIC_KEY, SyncStatus, ago, read_status


@dataclass(frozen=True, slots=True)
class HeldBadge:
    """A badge the school server issued (and may since have revoked)."""

    credential_id: str
    pack_id: str
    title: str
    career_cluster: str
    issued_at: str
    revoked: bool
    revoked_reason: str | None
    verify_url: str | None
    expires_at: str | None = None  # ISO time, when the micro-credential's badge expires
    expired: bool = False


@dataclass(frozen=True, slots=True)
class PendingBadge:
    """A pass on this station whose badge has not come yet, and why, in plain words."""

    pack_id: str
    title: str
    career_cluster: str
    reason: str


@dataclass(frozen=True, slots=True)
class ClusterProgress:
    """Badges earned in one career cluster against its micro-credentials in the catalog."""

    cluster: str
    earned: tuple[str, ...]
    to_earn: tuple[str, ...]

    @property
    def words(self) -> str:
        """ "2 of 5 in Architecture & Construction"."""
        total = len(self.earned) + len(self.to_earn)
        return f"{len(self.earned)} of {total} in {self.cluster}"


@dataclass(frozen=True, slots=True)
class Wallet:
    pending: tuple[PendingBadge, ...]
    issued: tuple[HeldBadge, ...]  # current: neither revoked nor expired
    revoked: tuple[HeldBadge, ...]
    clusters: tuple[ClusterProgress, ...]
    expired: tuple[HeldBadge, ...] = ()


def _result_sent(connection: sqlite3.Connection, result_id: str) -> bool:
    """Whether the school server acknowledged this result (a pruned event counts as sent)."""
    row = connection.execute(
        "SELECT 1 FROM outbox WHERE kind = 'exam_result'"
        " AND json_extract(CAST(body AS TEXT), '$.result_id') = ?"
        " AND NOT EXISTS (SELECT 1 FROM receipt WHERE receipt.event_id = outbox.id)",
        (result_id,),
    ).fetchone()
    return row is None


def pending_reason(*, sent: bool, status: SyncStatus, pinned: bool, now: datetime) -> str:
    """Why a passed result has no badge yet, in words a learner understands."""
    if not status.connected and not pinned:
        return (
            "Waiting for the school server: this station is not connected to one. "
            "Badges are issued by the school server after it checks your result."
        )
    if sent:
        road = "the next sync" if status.connected else "the next USB-stick sync"
        return f"The school server has your result. Your badge comes with {road}."
    if not status.connected:
        return (
            "Waiting for the USB-stick sync: your result goes to the school server "
            "on this station's next sync file."
        )
    if status.last_success_at is None:
        return "Waiting for the school server: this station has not synced yet."
    since = ago(status.last_success_at, now)
    return f"Waiting for the school server: this station has not synced since {since}."


def _clusters(catalog: list[CatalogEntry], earned_ids: set[str]) -> tuple[ClusterProgress, ...]:
    groups: dict[str, list[CatalogEntry]] = {}
    for entry in catalog:
        groups.setdefault(entry.career_cluster, []).append(entry)
    return tuple(
        ClusterProgress(
            cluster=cluster,
            earned=tuple(e.title for e in entries if e.id in earned_ids),
            to_earn=tuple(e.title for e in entries if e.id not in earned_ids),
        )
        for cluster, entries in groups.items()
        if any(e.id in earned_ids for e in entries)
    )


def read_wallet(
    database: Path, *, learner_id: str, now: datetime, settings_url: str | None = None
) -> Wallet:
    """The learner's badges and passes still waiting for one; nothing here needs a network."""
    status = read_status(database, settings_url=settings_url)
    with opened(database, read_only=True) as connection:
        catalog = {entry.id: entry for entry in list_catalog(connection)}
        pinned = (
            connection.execute(
                "SELECT 1 FROM sync_state WHERE key = ?", (SERVER_PUBLIC_KEY,)
            ).fetchone()
            is not None
        )
        rows = connection.execute(
            "SELECT credential_id, pack_id, status, issued_at, revoked_reason, verify_url, jwt"
            " FROM badge WHERE learner_id = ? ORDER BY issued_at DESC, credential_id",
            (learner_id,),
        ).fetchall()
        passes = connection.execute(
            "SELECT pack_id, result_id, max(ended_at) FROM attempt"
            " WHERE learner_id = ? AND passed = 1 AND result_id IS NOT NULL GROUP BY pack_id",
            (learner_id,),
        ).fetchall()
        sent = {str(row[1]): _result_sent(connection, str(row[1])) for row in passes}

    def held(row: sqlite3.Row | tuple[object, ...]) -> HeldBadge:
        entry = catalog.get(str(row[1]))
        expiry = stated_expiry(str(row[6]))
        return HeldBadge(
            credential_id=str(row[0]),
            pack_id=str(row[1]),
            title=entry.title if entry else str(row[1]),
            career_cluster=entry.career_cluster if entry else "",
            issued_at=str(row[3]),
            revoked=row[2] == "revoked",
            revoked_reason=None if row[4] is None else str(row[4]),
            verify_url=None if row[5] is None else str(row[5]),
            expires_at=None if expiry is None else iso_z(expiry),
            expired=expiry is not None and expiry <= now,
        )

    badges = [held(row) for row in rows]
    issued = tuple(b for b in badges if not b.revoked and not b.expired)
    with_badge = {b.pack_id for b in badges}
    pending = tuple(
        PendingBadge(
            pack_id=str(pack_id),
            title=catalog[str(pack_id)].title if str(pack_id) in catalog else str(pack_id),
            career_cluster=catalog[str(pack_id)].career_cluster if str(pack_id) in catalog else "",
            reason=pending_reason(sent=sent[str(result_id)], status=status, pinned=pinned, now=now),
        )
        for pack_id, result_id, _ in passes
        if str(pack_id) not in with_badge
    )
    return Wallet(
        pending=pending,
        issued=issued,
        revoked=tuple(b for b in badges if b.revoked),
        clusters=_clusters(list(catalog.values()), {b.pack_id for b in issued}),
        expired=tuple(b for b in badges if b.expired and not b.revoked),
    )
