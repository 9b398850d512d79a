"""Read the installed catalog: list by career cluster, search, open a pack's files.

Raw sqlite3 on purpose: this is the start-up path, and the UI calls it off the GUI thread.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(r"\w+", re.UNICODE)
# bm25 weights for (pack_id, skill_id, title, keywords, body): titles count most.
BM25_WEIGHTS = "0, 0, 10.0, 4.0, 1.0"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str
    version: str
    title: str
    career_cluster: str
    summary: str
    preview: bool
    skill_titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    pack_id: str
    pack_title: str
    career_cluster: str
    skill_id: str | None
    skill_title: str | None
    snippet: str
    rank: float


def list_catalog(connection: sqlite3.Connection) -> list[CatalogEntry]:
    """Every installed micro-credential, by career cluster then title."""
    rows = connection.execute(
        "SELECT id, version, title, career_cluster, summary, preview, skill_titles FROM pack "
        "ORDER BY career_cluster COLLATE NOCASE, title COLLATE NOCASE"
    )
    return [
        CatalogEntry(
            id=row[0],
            version=row[1],
            title=row[2],
            career_cluster=row[3],
            summary=row[4],
            preview=bool(row[5]),
            skill_titles=tuple(json.loads(row[6])),
        )
        for row in rows
    ]


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, as a prefix; no syntax."""
    words = TOKEN.findall(text.lower())[:12]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def search_catalog(
    connection: sqlite3.Connection, text: str, *, limit: int = 30
) -> list[SearchHit]:
    """Best matches first; a micro-credential appears once, with the skill that matched best."""
    query = fts_query(text)
    if query is None:
        return []
    rows = connection.execute(
        f"""
        SELECT s.pack_id, s.skill_id, s.title, p.title, p.career_cluster,
               snippet(catalog_search, 4, '[', ']', '…', 12),
               bm25(catalog_search, {BM25_WEIGHTS}) AS r
        FROM catalog_search AS s JOIN pack AS p ON p.id = s.pack_id
        WHERE catalog_search MATCH ? ORDER BY r LIMIT ?
        """,
        (query, limit * 4),
    ).fetchall()
    hits: dict[str, SearchHit] = {}
    for pack_id, skill_id, title, pack_title, cluster, snippet, rank in rows:
        if pack_id in hits:
            continue
        hits[pack_id] = SearchHit(
            pack_id=pack_id,
            pack_title=pack_title,
            career_cluster=cluster,
            skill_id=skill_id or None,
            skill_title=title if skill_id else None,
            snippet=" ".join(snippet.split()),
            rank=rank,
        )
        if len(hits) == limit:
            break
    return list(hits.values())


def load_manifest(connection: sqlite3.Connection, pack_id: str) -> dict[str, Any] | None:
    row = connection.execute("SELECT manifest FROM pack WHERE id = ?", (pack_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def read_pack_file(connection: sqlite3.Connection, pack_id: str, path: str) -> bytes | None:
    """One file of an installed pack (a lesson, an image), or None."""
    row = connection.execute(
        "SELECT blob.data FROM pack_file JOIN blob USING (sha256) "
        "WHERE pack_file.pack_id = ? AND pack_file.path = ?",
        (pack_id, path),
    ).fetchone()
    return None if row is None else bytes(row[0])
