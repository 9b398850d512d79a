"""A copy of the station's identity and sync pin outside the store, for salvaging it.

The station row and the sync state live in the store; if the very pages that hold them
are damaged, this small file is what keeps the station the same station for its server.
It is refreshed at every start when it differs, so it is at most one run behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.paths import STATION_IDENTITY_FILE
from mcdesk.store.connection import connect

IDENTITY_FORMAT = 1
MAX_IDENTITY_BYTES = 64 * 1024
# Cursors are never restored from a copy: a cursor ahead of the rows it covers would
# skip data for good, while a missing one only pulls again.
CURSOR_PREFIX = "cursor:"
# Not kept either: the last round's times and outcome (mcdesk.sync.status) change every
# round and say nothing about who the station is.
NOT_KEPT = (CURSOR_PREFIX, "last_")


@dataclass(frozen=True, slots=True)
class StationIdentity:
    """The station row's columns and the sync state worth keeping (pin, server, issuer)."""

    station: dict[str, Any]
    sync_state: dict[str, str]


def read_identity_from_store(connection: sqlite3.Connection) -> StationIdentity | None:
    """The identity in a healthy store, or None before the station row exists."""
    cursor = connection.execute("SELECT * FROM station LIMIT 1")
    row = cursor.fetchone()
    if row is None:
        return None
    names = [column[0] for column in cursor.description]
    state = {
        str(key): str(value)
        for key, value in connection.execute("SELECT key, value FROM sync_state")
        if not str(key).startswith(NOT_KEPT)
    }
    return StationIdentity(station=dict(zip(names, tuple(row), strict=True)), sync_state=state)


def _document(identity: StationIdentity) -> bytes:
    body = {
        "format": IDENTITY_FORMAT,
        "station": identity.station,
        "sync_state": identity.sync_state,
    }
    return json.dumps(body, sort_keys=True, indent=1, default=str).encode("utf-8")


def identity_file_for(database: Path) -> Path:
    """Where the copy of this store's identity lives (``Paths.station_identity``)."""
    return database.with_name(STATION_IDENTITY_FILE)


def remember_identity(database: Path, identity_file: Path | None = None) -> None:
    """Write the store's identity beside it when the copy differs (atomically, owner-only)."""
    identity_file = identity_file or identity_file_for(database)
    connection = connect(database, read_only=True)
    try:
        identity = read_identity_from_store(connection)
    except sqlite3.Error:
        return  # a store without these tables yet: nothing to keep
    finally:
        connection.close()
    if identity is None:
        return
    data = _document(identity)
    try:
        if identity_file.read_bytes() == data:
            return
    except OSError:
        pass
    partial = identity_file.with_name(identity_file.name + ".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, identity_file)
    except OSError:
        pass  # a spare copy: a full or read-only disk must not stop the start


def read_identity(identity_file: Path) -> StationIdentity | None:
    """The kept copy, or None when there is none or it cannot be read."""
    try:
        document = read_json(
            identity_file.read_bytes(),
            what="the station identity copy",
            max_bytes=MAX_IDENTITY_BYTES,
        )
    except (OSError, JsonRefused):
        return None
    if not isinstance(document, dict) or document.get("format") != IDENTITY_FORMAT:
        return None
    station, state = document.get("station"), document.get("sync_state")
    if not isinstance(station, dict) or not isinstance(state, dict):
        return None
    kept = {str(k): str(v) for k, v in state.items() if not str(k).startswith(NOT_KEPT)}
    return StationIdentity(station=station, sync_state=kept)
