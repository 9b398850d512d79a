"""The teacher console on a standalone station: the next codes, and refilling slots.

The issuer secret opens only with the teacher's password, so these run right after a
teacher signs in (on a worker thread: each open costs one scrypt run).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mcdesk.exam.issuer import open_issuer
from mcdesk.exam.keyring import load_pack_keys, wrap_pending_pack_keys
from mcdesk.exam.unlock import (
    LOW_SLOTS,
    SLOTS_AT_SETUP,
    exam_key_from_issuer,
    next_counter,
    refill_slots,
    slots_left,
)
from mcdesk.protocol.board_link import board_address, qr_png
from mcdesk.protocol.slots import DEFAULT_PARAMS, ScryptParams
from mcdesk.store.connection import opened
from mcdesk.store.sync_state import SERVER_URL_KEY

SHOWN_CODES = 10
CODE_ISSUER_KEY = "code_issuer"  # sync_state: the server issuer whose slots this station holds
FROM_SERVER = (
    "Unlock codes for this station now come from the school server. Open {page} in a "
    "browser and sign in with your teacher name and password, or ask the administrator "
    "for a code sheet (`mcdesk admin codes --station {station}`)."
)


def code_issuer(connection: sqlite3.Connection) -> str | None:
    """The server issuer whose slots this station holds, or None (local codes)."""
    row = connection.execute(
        "SELECT value FROM sync_state WHERE key = ?", (CODE_ISSUER_KEY,)
    ).fetchone()
    return None if row is None else str(row[0])


def codes_from_server(connection: sqlite3.Connection) -> str | None:
    """What to tell a teacher asking this station for codes when the server makes them."""
    if code_issuer(connection) is None:
        return None
    row = connection.execute("SELECT name FROM station").fetchone()
    url = connection.execute(
        "SELECT value FROM sync_state WHERE key = ?", (SERVER_URL_KEY,)
    ).fetchone()
    page = "the school server's teacher page" if url is None else f"{url[0].rstrip('/')}/teacher"
    station = "STATION" if row is None else f'"{row[0]}"'
    return FROM_SERVER.format(page=page, station=station)


@dataclass(frozen=True, slots=True)
class TeacherCodes:
    """What the teacher page shows: the next codes and how many slots are left."""

    station_name: str
    codes: list[tuple[int, str]]
    slots_left: int
    refilled: int
    note: str
    from_server: bool = False  # the school server makes this station's codes
    board_url: str | None = None  # the server's live board, for a station joined to one
    board_qr: bytes = field(default=b"", repr=False)  # its QR code, a PNG

    @property
    def low(self) -> bool:
        return self.slots_left < LOW_SLOTS


def _teacher_id(connection: sqlite3.Connection, username: str) -> str | None:
    row = connection.execute(
        "SELECT id FROM teacher WHERE username = ?", (username.strip(),)
    ).fetchone()
    return None if row is None else str(row[0])


def teacher_codes(
    database: Path,
    *,
    username: str,
    password: str,
    now: datetime,
    pack_keys_dir: Path | None = None,
    count: int = SHOWN_CODES,
    refill_params: ScryptParams = DEFAULT_PARAMS,
) -> TeacherCodes:
    """Open the teacher's issuer; refill slots when low; the next ``count`` codes."""
    with opened(database) as connection:
        station = connection.execute("SELECT id, name FROM station").fetchone()
        teacher_id = _teacher_id(connection, username)
        if station is None or teacher_id is None:
            return TeacherCodes("", [], 0, 0, "This station has no teacher console yet.")
        from_server = codes_from_server(connection)
        if from_server is not None:
            # Local issuers made the old exam key's codes; none of them opens these slots.
            url = connection.execute(
                "SELECT value FROM sync_state WHERE key = ?", (SERVER_URL_KEY,)
            ).fetchone()
            board = None if url is None else board_address(str(url[0]))
            return TeacherCodes(
                station[1], [], slots_left(connection), 0, from_server, from_server=True,
                board_url=board, board_qr=b"" if board is None else qr_png(board),
            )  # fmt: skip
        issuer = open_issuer(
            connection, teacher_id=teacher_id, password=password, station_id=station[0]
        )
        if issuer is None:
            return TeacherCodes(
                station[1],
                [],
                slots_left(connection),
                0,
                "You are not this station's code issuer (codes come from the server or "
                "another teacher).",
            )
        refilled, note = 0, ""
        if slots_left(connection) < LOW_SLOTS:
            exam_key = exam_key_from_issuer(connection, issuer=issuer, now=now)
            # The log line above began a write transaction: end it before seconds of
            # scrypt, or every other writer (an answer being saved, sync) waits on it.
            connection.commit()
            if exam_key is not None:
                refilled = refill_slots(
                    connection,
                    issuer=issuer,
                    exam_key=exam_key,
                    up_to=SLOTS_AT_SETUP,
                    params=refill_params,
                )
                if pack_keys_dir is not None:
                    wrap_pending_pack_keys(
                        connection, exam_key=exam_key, available=load_pack_keys(pack_keys_dir)
                    )
                del exam_key
                note = f"Added {refilled} unlock codes."
            else:
                note = "No unlock codes are left: sync or a provisioning file must refill them."
        first = next_counter(connection)
        codes = [] if first is None else issuer.codes(start=first, count=count)
        return TeacherCodes(station[1], codes, slots_left(connection), refilled, note)
