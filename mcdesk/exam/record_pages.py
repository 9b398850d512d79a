"""Pages of this station's record for its teacher: newest first, filtered, by keyset.

A page is found by the stored start time and id of the line next to it, never by an
offset: a page deep in a year's record costs what the first one does, and attempts that
start at the same second keep one order (the id breaks the tie). A teacher sees the
attempts of learners in their own classes only, as on the school server's pages.
Read-only raw sqlite3; the teacher page calls this on its worker queue.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from mcdesk.exam.station_record import LINE_COLUMNS, AttemptLine, attempt_line
from mcdesk.store.connection import opened

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_FILTER_CHARS = 100  # a learner's name is at most 100 characters on the server

_FROM = """
    FROM attempt AS a
    JOIN learner AS l ON l.id = a.learner_id
    JOIN school_class AS c ON c.id = l.class_id
    JOIN teacher AS t ON t.id = c.teacher_id AND t.username = :teacher
    LEFT JOIN pack AS p ON p.id = a.pack_id
"""
_NEWEST_FIRST = "ORDER BY a.created_at DESC, a.id DESC"
_OLDEST_FIRST = "ORDER BY a.created_at ASC, a.id ASC"


class RecordQueryRefused(ValueError):
    """A query the record does not read; the message says why in the teacher's words."""


@dataclass(frozen=True, slots=True)
class RecordKey:
    """Where a line sits in the record: its stored start time, then its id."""

    started_at: str
    attempt_id: str


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Which attempts to list: a filter, and the page next to ``older_than`` or ``newer_than``."""

    learner: str = ""  # part of a learner's name, in any case; "" for everyone
    pack_id: str | None = None  # one micro-credential, or all of them
    older_than: RecordKey | None = None  # the page after this line
    newer_than: RecordKey | None = None  # the page before this line
    size: int = PAGE_SIZE

    @property
    def filtered(self) -> bool:
        return bool(self.learner.strip()) or self.pack_id is not None


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One page of the record, where it sits among the attempts the filter keeps."""

    query: RecordQuery
    lines: tuple[AttemptLine, ...]
    total: int  # attempts the filter keeps
    first: int  # the first line's place among them, from 1; 0 when the page is empty
    newest_key: RecordKey | None  # the first line's key (for "Newer")
    oldest_key: RecordKey | None  # the last line's key (for "Older")
    credentials: tuple[tuple[str, str], ...]  # (pack id, title) of every attempt, unfiltered

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1 if self.lines else 0

    @property
    def has_newer(self) -> bool:
        return self.first > 1

    @property
    def has_older(self) -> bool:
        return 0 < self.last < self.total


def check_query(query: RecordQuery) -> None:
    """Refuse a query past its bounds before any SQL is built."""
    if len(query.learner) > MAX_FILTER_CHARS:
        raise RecordQueryRefused(f"Type at most {MAX_FILTER_CHARS} characters of a name.")
    if not 1 <= query.size <= MAX_PAGE_SIZE:
        raise RecordQueryRefused(f"A page lists 1 to {MAX_PAGE_SIZE} attempts.")
    if query.older_than is not None and query.newer_than is not None:
        raise RecordQueryRefused("A page is either older or newer than a line, not both.")


def _fold(text: object) -> str:
    return text.casefold() if isinstance(text, str) else ""


def _filter(query: RecordQuery, params: dict[str, Any]) -> str:
    """The WHERE clause of the filter (without the page's place), filling ``params``."""
    clauses = ["1"]
    learner = query.learner.strip()
    if learner:
        # casefold in Python: SQLite's own lower() and LIKE fold ASCII letters only.
        clauses.append("instr(mcdesk_fold(l.display_name), :learner) > 0")
        params["learner"] = _fold(learner)
    if query.pack_id is not None:
        clauses.append("a.pack_id = :pack")
        params["pack"] = query.pack_id
    return " AND ".join(clauses)


def _count(connection: sqlite3.Connection, where: str, params: dict[str, Any]) -> int:
    row = connection.execute(f"SELECT count(*) {_FROM} WHERE {where}", params).fetchone()
    return int(row[0])


def _credentials(connection: sqlite3.Connection, teacher: str) -> tuple[tuple[str, str], ...]:
    rows = connection.execute(
        f"SELECT DISTINCT a.pack_id, coalesce(p.title, a.pack_id) {_FROM} ORDER BY 2, 1",
        {"teacher": teacher},
    ).fetchall()
    return tuple((str(pack_id), str(title)) for pack_id, title in rows)


def station_page(
    database: Path,
    *,
    teacher_username: str,
    query: RecordQuery | None = None,
    zone: tzinfo | None = None,
) -> RecordPage:
    """A page of the attempts on this station by learners of the teacher's classes."""
    query = RecordQuery() if query is None else query
    check_query(query)
    teacher = teacher_username.strip()
    params: dict[str, Any] = {"teacher": teacher, "size": query.size}
    where = _filter(query, params)
    with opened(database, read_only=True) as connection:
        connection.create_function("mcdesk_fold", 1, _fold, deterministic=True)
        place, order = "1", _NEWEST_FIRST
        if query.older_than is not None:
            place = "(a.created_at, a.id) < (:at, :id)"
            params |= {"at": query.older_than.started_at, "id": query.older_than.attempt_id}
        elif query.newer_than is not None:
            # The lines just above the key, read upwards and turned back to newest first.
            place, order = "(a.created_at, a.id) > (:at, :id)", _OLDEST_FIRST
            params |= {"at": query.newer_than.started_at, "id": query.newer_than.attempt_id}
        rows = connection.execute(
            f"SELECT {LINE_COLUMNS}, a.created_at, a.id {_FROM} "
            f"WHERE {where} AND {place} {order} LIMIT :size",
            params,
        ).fetchall()
        if query.newer_than is not None:
            rows.reverse()
        lines = tuple(attempt_line(connection, row, zone) for row in rows)
        keys = [RecordKey(str(row[-2]), str(row[-1])) for row in rows]
        total = _count(connection, where, params)
        first = 0
        if keys:
            params |= {"at": keys[0].started_at, "id": keys[0].attempt_id}
            first = 1 + _count(connection, f"{where} AND (a.created_at, a.id) > (:at, :id)", params)
        credentials = _credentials(connection, teacher)
    return RecordPage(
        query=query,
        lines=lines,
        total=total,
        first=first,
        newest_key=keys[0] if keys else None,
        oldest_key=keys[-1] if keys else None,
        credentials=credentials,
    )
