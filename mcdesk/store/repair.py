"""Repairing a store in place when only what can be rebuilt is damaged.

The full-text search index is made from the installed packs: losing it loses nothing.
When it is the only damaged part, the store is repaired where it is: the index's pages
are forgotten, the file is rewritten without them, and the index is built again.
Anything else is left to the salvage (mcdesk.store.salvage). REINDEX is no help for a
damaged SQL index: it must read the old pages to free them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mcdesk.store.search_index import CREATE_SEARCH_TABLE, rebuild_search_index

SEARCH_INDEX = "catalog_search"  # the FTS5 table; its shadow tables are catalog_search_*


def _is_search_index(table: str) -> bool:
    return table == SEARCH_INDEX or table.startswith(SEARCH_INDEX + "_")


def damaged_tables(connection: sqlite3.Connection) -> set[str] | None:
    """Tables (with their indexes) that fail SQLite's check; None if the schema is unreadable."""
    try:
        tables = [
            str(name)
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
    except sqlite3.DatabaseError:
        return None
    return {table for table in tables if not _sound(connection, table)}


def _sound(connection: sqlite3.Connection, table: str) -> bool:
    """Whether SQLite's check of ``table`` and its indexes passes."""
    try:
        return connection.execute(f'PRAGMA quick_check("{table}")').fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False


def _drop_search_index(database: Path) -> None:
    """Forget the search index's pages without reading them (DROP TABLE would read them)."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA writable_schema=ON")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "DELETE FROM sqlite_master WHERE tbl_name = ? OR tbl_name LIKE ? ESCAPE '\\'",
            (SEARCH_INDEX, SEARCH_INDEX + "\\_%"),
        )
        connection.execute("COMMIT")
        connection.execute("PRAGMA writable_schema=OFF")
    finally:
        connection.close()
    # A fresh connection reads the new schema; VACUUM writes a file without the lost pages.
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("VACUUM")
    finally:
        connection.close()


def repair_in_place(database: Path) -> bool:
    """Rebuild a damaged search index in place; False (nothing changed) when more is damaged."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        damaged = damaged_tables(connection)
    finally:
        connection.close()
    if not damaged or not all(_is_search_index(table) for table in damaged):
        return False  # an unreadable schema, damage no table check places, or real data
    _drop_search_index(database)
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(CREATE_SEARCH_TABLE)
        rebuild_search_index(connection)
        connection.execute("COMMIT")
        return connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()
