"""The catalog's FTS5 index: one row per pack and per skill.

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
        lesson = MARKUP.sub(" ", lessons.get(skill["lesson"], ""))
        body = f"{skill['summary']} {lesson}"
        rows.append((pack_id, str(skill["id"]), str(skill["title"]), terms, body))
    return rows


def replace_pack_rows(
    connection: sqlite3.Connection, pack_id: str, rows: list[tuple[str, str, str, str, str]]
) -> None:
    connection.execute("DELETE FROM catalog_search WHERE pack_id = ?", (pack_id,))
    connection.executemany(
        "INSERT INTO catalog_search (pack_id, skill_id, title, keywords, body) VALUES (?,?,?,?,?)",
        rows,
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
