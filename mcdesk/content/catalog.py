"""Read the installed catalog: list by career cluster, search, open a pack's files.

Raw sqlite3 on purpose: this is the start-up path, and the UI calls it off the GUI thread.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from mcdesk.content.standards import Standard, standards_of

TOKEN = re.compile(r"\w+", re.UNICODE)
# bm25 weights for (pack_id, skill_id, title, keywords, body): titles count most.
BM25_WEIGHTS = "0, 0, 10.0, 4.0, 1.0"
SNIPPET_WORDS = 14
SHORT_QUERY = 4  # fewer letters than this: match titles and keywords only


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
    terms = " ".join(f'"{word}"*' for word in words)
    # Two or three letters typed so far match half of every lesson: while the query is
    # that short, only titles and keywords are searched (fast, and what people mean).
    if sum(len(word) for word in words) < SHORT_QUERY:
        return "{title keywords}: (" + terms + ")"
    return terms


def _stem(word: str) -> str:
    """A rough stem for marking matches in snippets: "measuring" → "measur"."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def _best_window(body: str, matcher: re.Pattern[str], *, words: int, span: int) -> int:
    """Where in ``body`` the most different query words fall within ``span`` characters.

    ``matcher`` has one group per word, so a match says which word it is. The window
    slides over the first 200 matches once, and stops as soon as it holds every word.
    """
    if words == 1:
        first = matcher.search(body)
        return 0 if first is None else first.start()
    found = [(m.start(), m.lastindex) for m in itertools.islice(matcher.finditer(body), 200)]
    inside: dict[int | None, int] = {}  # word → how many of its matches are in the window
    best, best_count, end = 0, 0, 0
    for start, word in found:
        while end < len(found) and found[end][0] - start < span:
            inside[found[end][1]] = inside.get(found[end][1], 0) + 1
            end += 1
        if len(inside) > best_count:
            best, best_count = start, len(inside)
            if best_count == words:
                break
        inside[word] -= 1
        if not inside[word]:
            del inside[word]
    return best


def make_snippet(body: str, words: list[str], *, width: int = SNIPPET_WORDS) -> str:
    """About ``width`` words of ``body`` around the first match, matches marked [so]."""
    if not words:
        return ""
    stems = [_stem(word) for word in words]
    groups = "|".join(f"({re.escape(stem)})" for stem in stems)
    matcher = re.compile(rf"\b(?:{groups})\w*", re.IGNORECASE)
    centre = _best_window(body, matcher, words=len(stems), span=width * 6)
    # Only a window of text around the match is split into words (lessons are long).
    reach = width * 12
    lo, hi = max(0, centre - reach), min(len(body), centre + 2 * reach)
    window = body[lo:hi]
    tokens = list(TOKEN.finditer(window))
    if not tokens:
        return ""
    at = next((i for i, t in enumerate(tokens) if t.start() >= centre - lo), 0)
    start = max(0, min(at - width // 3, len(tokens) - width))
    end = min(len(tokens), start + width)
    text = window[tokens[start].start() : tokens[end - 1].end()]
    snippet = " ".join(matcher.sub(lambda m: f"[{m.group()}]", text).split())
    before = lo > 0 or start > 0
    after = hi < len(body) or end < len(tokens)
    return ("…" if before else "") + snippet + ("…" if after else "")


def search_catalog(
    connection: sqlite3.Connection, text: str, *, limit: int = 30
) -> list[SearchHit]:
    """Best matches first; a micro-credential appears once, with the skill that matched best."""
    query = fts_query(text)
    if query is None:
        return []
    # Rank inside FTS5 (ORDER BY rank lets it sort in the index), keep the best row per
    # micro-credential, then make snippets for just those rows. FTS5's snippet() re-runs
    # the stemmer over a whole lesson per row, several times the cost of the whole search.
    rows = connection.execute(
        f"""
        SELECT rowid, pack_id, skill_id, title, rank FROM catalog_search
        WHERE catalog_search MATCH ? AND rank MATCH 'bm25({BM25_WEIGHTS})'
        ORDER BY rank LIMIT ?
        """,
        (query, limit * 4),
    ).fetchall()
    best: dict[str, tuple[int, str, str, float]] = {}
    for rowid, pack_id, skill_id, title, rank in rows:
        if pack_id not in best:
            best[pack_id] = (rowid, skill_id, title, rank)
            if len(best) == limit:
                break
    if not best:
        return []
    rowids = [row[0] for row in best.values()]
    marks = ",".join("?" * len(rowids))
    bodies = dict(
        connection.execute(
            f"SELECT rowid, body FROM catalog_search WHERE rowid IN ({marks})", rowids
        ).fetchall()
    )
    words = TOKEN.findall(text.lower())[:12]
    packs = {
        row[0]: (row[1], row[2])
        for row in connection.execute(
            f"SELECT id, title, career_cluster FROM pack WHERE id IN ({marks})", list(best)
        )
    }
    hits: list[SearchHit] = []
    for pack_id, (rowid, skill_id, title, rank) in best.items():
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
                snippet=make_snippet(str(bodies.get(rowid, "")), words),
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
