"""The catalog's FTS5 index: one row per pack, and per section of each skill's lesson.

A lesson is indexed by heading section (a long section in pieces of about
``SECTION_WORDS`` words), so a search ranks sections and FTS5's ``snippet()`` tokenizes
one section, not the whole lesson. Every section row carries its skill's title; only the
first carries the keywords, in its text as well so that a hit found by a keyword shows it
marked (on every section they inflated every scan by a third). A skill's rows
share a block of rowids, so a search can tell which sections make one lesson.
Works on a raw sqlite3 connection so that the migration that creates the index, the
importer and the start-up search path share it without importing SQLAlchemy.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

# Image references and table rules are markup, not words worth finding.
MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\|?\s*:?-{3,}:?\s*\|?")
HEADING = re.compile(r"^(?=#{1,6}\s)", re.MULTILINE)
PARAGRAPH = re.compile(r"\n\s*\n")
SECTION_WORDS = 200  # a section longer than this is indexed in pieces about this long
SKILL_BLOCK = 1024  # rowids set aside for each skill's sections (see replace_pack_rows)

CREATE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE catalog_search USING fts5("
    "pack_id UNINDEXED, skill_id UNINDEXED, title, keywords, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3')"
)


def index_rows(
    manifest: dict[str, Any], lessons: dict[str, str]
) -> list[tuple[str, str, str, str, str]]:
    """Rows (pack_id, skill_id, title, keywords, body) for one pack; '' skill = the pack."""
    pack_id = str(manifest["id"])
    rows = [
        (
            pack_id,
            "",
            str(manifest["title"]),
            " ".join(str(skill["title"]) for skill in manifest["skills"]),
            f"{manifest['summary']} {manifest['career_cluster']}",
        )
    ]
    for skill in manifest["skills"]:
        terms = " ".join(f"{k['term']}: {k['definition']}" for k in skill["keywords"])
        # In brackets: FTS5 sees no sentence start there, so a snippet prefers the lesson.
        glossary = "; ".join(f"{k['term']}, {k['definition']}" for k in skill["keywords"])
        lesson = MARKUP.sub(" ", lessons.get(skill["lesson"], ""))
        for n, body in enumerate(sections(f"{skill['summary']} {lesson}")):
            # The first section carries the keywords, and shows them in its text too, so
            # a hit found by a keyword has the word marked in its snippet.
            text = f"{body} ({glossary})" if n == 0 and glossary else body
            rows.append((pack_id, str(skill["id"]), str(skill["title"]), "" if n else terms, text))
    return rows


def sections(text: str) -> list[str]:
    """A lesson cut at its headings, a long section cut again between paragraphs or words."""
    pieces: list[str] = []
    for section in HEADING.split(text):
        words: list[str] = []
        for paragraph in PARAGRAPH.split(section):
            more = paragraph.split()
            if words and len(words) + len(more) > SECTION_WORDS:
                pieces.append(" ".join(words))
                words = []
            words += more
            while len(words) > SECTION_WORDS * 3 // 2:  # one paragraph longer than a section
                pieces.append(" ".join(words[:SECTION_WORDS]))
                words = words[SECTION_WORDS:]
        if words:
            pieces.append(" ".join(words))
    return pieces or [""]


def replace_pack_rows(
    connection: sqlite3.Connection, pack_id: str, rows: list[tuple[str, str, str, str, str]]
) -> None:
    """Index a pack again; each skill's rows get rowids in a block of their own.

    ``rowid // SKILL_BLOCK`` names the skill (or the pack's own row) a section belongs to,
    so a search can tell which sections share a lesson from rowids alone, without reading
    the stored columns.
    """
    connection.execute("DELETE FROM catalog_search WHERE pack_id = ?", (pack_id,))
    last = connection.execute(
        "SELECT rowid FROM catalog_search ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    block = 0 if last is None else int(last[0]) // SKILL_BLOCK
    numbered = []
    skill_id, section = None, SKILL_BLOCK
    for row in rows:
        if row[1] != skill_id or section == SKILL_BLOCK:  # a lesson too long spills over
            block, skill_id, section = block + 1, row[1], 0
        numbered.append((block * SKILL_BLOCK + section, *row))
        section += 1
    connection.executemany(
        "INSERT INTO catalog_search (rowid, pack_id, skill_id, title, keywords, body) "
        "VALUES (?,?,?,?,?,?)",
        numbered,
    )


def rebuild_search_index(connection: sqlite3.Connection) -> None:
    """Index every installed pack again from its manifest and lesson blobs."""
    connection.execute("DELETE FROM catalog_search")
    for pack_id, manifest_bytes in connection.execute("SELECT id, manifest FROM pack").fetchall():
        manifest = json.loads(manifest_bytes)
        lessons = {
            path: data.decode("utf-8")
            for path, data in connection.execute(
                "SELECT pack_file.path, blob.data FROM pack_file JOIN blob USING (sha256) "
                "WHERE pack_file.pack_id = ? AND pack_file.path LIKE '%.md'",
                (pack_id,),
            )
        }
        replace_pack_rows(connection, pack_id, index_rows(manifest, lessons))
