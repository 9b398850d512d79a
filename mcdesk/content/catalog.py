"""Read the installed catalog: list by career cluster, search, open a pack's files.

Raw sqlite3 on purpose: this is the start-up path, and the UI calls it off the GUI thread.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from mcdesk.content.standards import Standard, standards_of
from mcdesk.store.search_index import SKILL_BLOCK

TOKEN = re.compile(r"\w+", re.UNICODE)
# bm25 weights for (pack_id, skill_id, title, keywords, body): titles count most.
BM25_WEIGHTS = "0, 0, 10.0, 4.0, 1.0"
SNIPPET_WORDS = 14
SHORT_QUERY = 4  # fewer letters than this: match titles and keywords only
CANDIDATE_BATCH = 100  # skills whose pack is looked up at a time, for words apart


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


def _words(text: str) -> list[str]:
    return TOKEN.findall(text.lower())[:12]


def _term(word: str) -> str:
    return f'"{word}"*'


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, as a prefix; no syntax."""
    words = _words(text)
    if not words:
        return None
    terms = " ".join(_term(word) for word in words)
    # Two or three letters typed so far match half of every lesson: while the query is
    # that short, only titles and keywords are searched (fast, and what people mean).
    if sum(len(word) for word in words) < SHORT_QUERY:
        return "{title keywords}: (" + terms + ")"
    return terms


Row = tuple[str, str, str, float, str]  # pack_id, skill_id, title, rank, snippet


class _FirstPerPack:
    """An SQL function: true for the first row of each pack it is shown, up to ``limit`` packs.

    The ranked query calls it in rank order, so FTS5 makes a snippet only for the row a hit
    shows (the best section of its micro-credential), not for the others it reads to find
    them. ``wanted``, when given, are the only (pack, skill) pairs it lets through.
    """

    def __init__(self, limit: int, wanted: set[tuple[str, str]] | None = None) -> None:
        self.limit = limit
        self.wanted = wanted
        self.packs: set[str] = set()

    def __call__(self, pack_id: str, skill_id: str) -> bool:
        if pack_id in self.packs or len(self.packs) >= self.limit:
            return False
        if self.wanted is not None and (pack_id, skill_id) not in self.wanted:
            return False
        self.packs.add(pack_id)
        return True


def _ranked(connection: sqlite3.Connection, query: str, first: _FirstPerPack) -> list[Row]:
    """The best row of each pack, best first, each with its snippet (made only for those)."""
    connection.create_function("mcdesk_first_of_pack", 2, first)
    return connection.execute(
        f"""
        SELECT pack_id, skill_id, title, rank,
               snippet(catalog_search, 4, '[', ']', '…', {SNIPPET_WORDS})
        FROM catalog_search
        WHERE catalog_search MATCH ? AND rank MATCH 'bm25({BM25_WEIGHTS})'
              AND mcdesk_first_of_pack(pack_id, skill_id)
        ORDER BY rank LIMIT ?
        """,
        (query, first.limit),
    ).fetchall()


def _spread(
    connection: sqlite3.Connection, words: list[str], found: set[str], limit: int
) -> list[Row]:
    """Skills that hold every word, but in different sections of their lesson.

    The index rows are sections, so the ranked query only finds words that meet in one;
    a lesson that has them apart was found when a lesson was one row, and still is, after
    the packs where they meet, in index order, with the snippet of its first section that
    holds a word. Sections of one skill share a rowid block, so this reads rowids only.
    """
    blocks: dict[int, int] | None = None  # skill block -> its first section with a word
    for word in dict.fromkeys(words):
        having: dict[int, int] = {}
        for (rowid,) in connection.execute(
            "SELECT rowid FROM catalog_search WHERE catalog_search MATCH ?", (_term(word),)
        ):
            having.setdefault(rowid // SKILL_BLOCK, rowid)
        if blocks is not None:
            having = {
                block: min(blocks[block], rowid)
                for block, rowid in having.items()
                if block in blocks
            }
        blocks = having
        if not blocks:
            return []
    candidates = sorted((blocks or {}).values())
    shown: dict[int, tuple[str, str, str]] = {}  # rowid -> pack, skill, title
    packs = set(found)
    while candidates and len(shown) < limit:
        batch, candidates = candidates[:CANDIDATE_BATCH], candidates[CANDIDATE_BATCH:]
        for rowid, pack_id, skill_id, title in connection.execute(
            "SELECT rowid, pack_id, skill_id, title FROM catalog_search "
            f"WHERE rowid IN ({','.join('?' * len(batch))}) ORDER BY rowid",
            batch,
        ):
            if pack_id not in packs and len(shown) < limit:
                packs.add(pack_id)
                shown[rowid] = (pack_id, skill_id, title)
    if not shown:
        return []
    snippets = connection.execute(
        f"SELECT rowid, snippet(catalog_search, 4, '[', ']', '…', {SNIPPET_WORDS}) "
        f"FROM catalog_search WHERE catalog_search MATCH ? "
        f"AND rowid IN ({','.join('?' * len(shown))}) ORDER BY rowid",
        [" OR ".join(_term(word) for word in words), *shown],
    )
    # No bm25 here: 0.0 ranks below every row that held all the words together.
    return [(*shown[rowid], 0.0, snippet) for rowid, snippet in snippets]


def search_catalog(
    connection: sqlite3.Connection, text: str, *, limit: int = 30
) -> list[SearchHit]:
    """Best matches first; a micro-credential appears once, with the section that matched best.

    One query ranks (FTS5 sorts by bm25 inside the index) and makes the snippets
    (``snippet()``, matches marked [so]) from lesson sections, only for each pack's best
    row. Rows come out in rank order, which the first-per-pack function relies on: FTS5
    consumes ``ORDER BY rank`` itself. While the page is not full, skills whose lesson
    holds every word in different sections follow.
    """
    query = fts_query(text)
    if query is None:
        return []
    rows = _ranked(connection, query, _FirstPerPack(limit))
    words = _words(text)
    if len(rows) < limit and len(set(words)) > 1 and not query.startswith("{"):
        rows += _spread(connection, words, {row[0] for row in rows}, limit - len(rows))
    best = {row[0]: row for row in rows}
    if not best:
        return []
    marks = ",".join("?" * len(best))
    packs = {
        row[0]: (row[1], row[2])
        for row in connection.execute(
            f"SELECT id, title, career_cluster FROM pack WHERE id IN ({marks})", list(best)
        )
    }
    hits: list[SearchHit] = []
    for pack_id, skill_id, title, rank, snippet in best.values():
        if pack_id not in packs:
            continue
        pack_title, cluster = packs[pack_id]
        hits.append(
            SearchHit(
                pack_id=pack_id,
                pack_title=pack_title,
                career_cluster=cluster,
                skill_id=skill_id or None,
                skill_title=title if skill_id else None,
                snippet=" ".join(str(snippet).split()),
                rank=rank,
            )
        )
    return hits


def catalog_standards(connection: sqlite3.Connection) -> dict[str, tuple[Standard, ...]]:
    """The standards each installed micro-credential names, by pack id (reads manifests)."""
    return {
        str(pack_id): standards_of(json.loads(manifest))
        for pack_id, manifest in connection.execute("SELECT id, manifest FROM pack")
    }


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
