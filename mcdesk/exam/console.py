"""The teacher console on a standalone station: the next codes, and refilling slots.

The issuer secret opens only with the teacher's password, so these run right after a
teacher signs in (on a worker thread: each open costs one scrypt run).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mcdesk.exam.issuer import issuer_stations, open_issuer
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
    """A station's next unlock codes for one teacher: what the page, the CLI and the sheet show."""

    station_name: str
    codes: list[tuple[int, str]]
    slots_left: int
    refilled: int
    note: str  # why there are no codes, or what changed (slots added)
    from_server: bool = False  # the school server makes this station's codes
    station_id: str = ""
    school: str = ""
    board_url: str | None = None  # the server's live board, for a station joined to one
    board_qr: bytes = field(default=b"", repr=False)  # its QR code, a PNG

    @property
    def low(self) -> bool:
        return self.slots_left < LOW_SLOTS


def _teacher(connection: sqlite3.Connection, username: str) -> tuple[str, str] | None:
    """(teacher id, school name) of ``username``, or None."""
    row = connection.execute(
        "SELECT teacher.id, school.name FROM teacher LEFT JOIN school ON school.id ="
        " teacher.school_id WHERE teacher.username = ?",
        (username.strip(),),
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1] or ""))


def teacher_codes(
    database: Path,
    *,
    username: str,
    password: str,
    now: datetime,
    station: str | None = None,
    start: int | None = None,
    count: int = SHOWN_CODES,
    pack_keys_dir: Path | None = None,
    refill_params: ScryptParams = DEFAULT_PARAMS,
) -> TeacherCodes:
    """The next ``count`` codes of ``station`` (id or name; default this one) for a teacher.

    Call it after the teacher's password was checked (and throttled). It opens their
    issuer (one scrypt run); on this station it first refills the slots when few are left.
    Codes start at ``start``, else at the one this station asks for next. No codes, and a
    ``note`` saying why, when the station has no console, the teacher holds no issuer
    for it, or the school server makes its codes (``from_server``).
    """
    with opened(database) as connection:
        here = connection.execute("SELECT id, name FROM station").fetchone()
        teacher = _teacher(connection, username)
        if here is None or teacher is None:
            return TeacherCodes("", [], 0, 0, "This station has no teacher console yet.")
        teacher_id, school = teacher
        station_id = str(here[0]) if station in (None, here[0], here[1]) else str(station)
        is_here = station_id == here[0]
        name = str(here[1]) if is_here else station_id

        def listing(codes: list[tuple[int, str]], refilled: int, note: str) -> TeacherCodes:
            left = slots_left(connection) if is_here else 0
            return TeacherCodes(name, codes, left, refilled, note, False, station_id, school)

        from_server = codes_from_server(connection) if is_here else None
        if from_server is not None:
            # Local issuers made the old exam key's codes; none of them opens these slots.
            url = connection.execute(
                "SELECT value FROM sync_state WHERE key = ?", (SERVER_URL_KEY,)
            ).fetchone()
            board = None if url is None else board_address(str(url[0]))
            return TeacherCodes(
                name, [], slots_left(connection), 0, from_server, True, station_id, school,
                board_url=board, board_qr=b"" if board is None else qr_png(board),
            )  # fmt: skip
        issuer = open_issuer(
            connection, teacher_id=teacher_id, password=password, station_id=station_id
        )
        if issuer is None:
            known = ", ".join(issuer_stations(connection, teacher_id=teacher_id)) or "none"
            shown = name if station is None else station
            return listing(
                [],
                0,
                f"You hold no code issuer for station {shown!r} (your stations: {known}); its "
                "codes come from the school server or another teacher.",
            )
        refilled, note = 0, ""
        if is_here and slots_left(connection) < LOW_SLOTS:
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
        first = start if start is not None else next_counter(connection) if is_here else 1
        codes = [] if first is None else issuer.codes(start=first, count=count)
        return listing(codes, refilled, note)
