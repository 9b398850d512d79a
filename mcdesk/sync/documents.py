"""Reading pulled documents: a field of the wrong shape refuses the page, naming it.

Appliers run inside the pull page's transaction; ``raw_connection`` gives them that
transaction's sqlite3 connection for the exam tables, which have no SQLModel classes.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from mcdesk.store.tables import SyncState
from mcdesk.sync.pull import PullRefused


def raw_connection(session: Session) -> sqlite3.Connection:
    """The session's own sqlite3 connection, inside its (begun) transaction."""
    dbapi = session.connection().connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)  # the station store is SQLite
    return dbapi


def split_key(key: str, kinds: tuple[str, ...]) -> tuple[str, str]:
    """``kind:id`` → (kind, id) for one of ``kinds``."""
    kind, _, entity = key.partition(":")
    if kind not in kinds or not entity:
        raise PullRefused(f"an item key {key!r} is not one of {', '.join(kinds)}")
    return kind, entity


def text(document: Mapping[str, Any], name: str, *, key: str, empty: bool = False) -> str:
    value = document.get(name)
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise PullRefused(f"{key}: {name} is missing or not text")
    return value


def optional_text(document: Mapping[str, Any], name: str, *, key: str) -> str | None:
    value = document.get(name)
    if value is not None and not isinstance(value, str):
        raise PullRefused(f"{key}: {name} is not text")
    return value or None


def whole(document: Mapping[str, Any], name: str, *, key: str, least: int = 0) -> int:
    value = document.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise PullRefused(f"{key}: {name} is not a whole number of at least {least}")
    return value


def number(document: Mapping[str, Any], name: str, *, key: str) -> float:
    value = document.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PullRefused(f"{key}: {name} is not a number")
    return float(value)


def binary(document: Mapping[str, Any], name: str, *, key: str) -> bytes:
    try:
        return base64.b64decode(text(document, name, key=key), validate=True)
    except binascii.Error:
        raise PullRefused(f"{key}: {name} is not base64") from None


def moment(document: Mapping[str, Any], name: str, *, key: str) -> datetime | None:
    """An ISO time with its zone, as an aware UTC datetime, or None."""
    value = optional_text(document, name, key=key)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise PullRefused(f"{key}: {name} is not an ISO date and time") from None
    if parsed.tzinfo is None:
        raise PullRefused(f"{key}: {name} has no time zone")
    return parsed.astimezone(UTC)


def state_value(session: Session, name: str) -> str | None:
    row = session.get(SyncState, name)
    return None if row is None else row.value
