"""The ``code_slots`` and ``pack_keys`` streams: the school server becomes the code issuer.

Slots (``slot:<counter>``: ``{counter, issuer_id, salt, nonce, sealed_key, n, r, p}``,
bytes in base64) become ``exam_key_slot`` rows; wrapped pack keys (``{pack_id, key_id,
issuer_id, nonce, wrapped}``) become ``wrapped_pack_key`` rows. Both are sealed under the
exam key the server made for this station, so nothing here can open them.

The switch: the first slots from a server issuer replace everything sealed under the
station's old exam key, which server codes can never open: every slot of another issuer
(unused ones cannot be opened by server codes; used ones hold nothing and their numbers
are the server's now) and every wrapped pack key. ``code_entry`` keeps the history of
codes typed. An attempt that is unlocked, running or paused needs the old key, so the
switch is refused until it ends; the page is pulled again at the next sync. After the
switch the teacher console no longer shows local codes
(mcdesk.exam.console.codes_from_server).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlmodel import Session

from mcdesk.exam.console import CODE_ISSUER_KEY, code_issuer
from mcdesk.protocol.slots import SALT_BYTES, ScryptParams
from mcdesk.store.tables import SyncState
from mcdesk.sync.apply_roster import retire_demo_school
from mcdesk.sync.documents import binary, raw_connection, split_key, state_value, text, whole
from mcdesk.sync.pull import Item, PullRefused

OPEN_STATES = ("unlocked", "running", "paused")


def _switch(session: Session, connection: sqlite3.Connection, issuer_id: str) -> None:
    row = connection.execute(
        "SELECT count(*) FROM attempt WHERE state IN (?, ?, ?)", OPEN_STATES
    ).fetchone()
    if int(row[0]):
        raise PullRefused(
            "an assessment is in progress or paused on this station; codes will switch to "
            "the school server's when it ends (finish or end it, then sync again)"
        )
    connection.execute("PRAGMA secure_delete=ON")  # the old sealed keys leave no bytes behind
    connection.execute("DELETE FROM exam_key_slot WHERE issuer_id != ?", (issuer_id,))
    connection.execute("DELETE FROM wrapped_pack_key")
    session.merge(SyncState(key=CODE_ISSUER_KEY, value=issuer_id))
    session.flush()


def _slot_row(key: str, document: dict[str, object]) -> tuple[object, ...]:
    counter = whole(document, "counter", key=key, least=1)
    if key != f"slot:{counter}":
        raise PullRefused(f"{key}: the slot says it is #{counter}")
    n, r, p = (whole(document, name, key=key, least=1) for name in ("n", "r", "p"))
    try:
        ScryptParams(n=n, r=r, p=p)  # a slot that would make the station spin is refused
    except ValueError as exc:
        raise PullRefused(f"{key}: {exc}") from None
    salt = binary(document, "salt", key=key)
    if len(salt) != SALT_BYTES:
        raise PullRefused(f"{key}: the salt is not {SALT_BYTES} bytes")
    return (
        counter,
        salt,
        binary(document, "nonce", key=key),
        binary(document, "sealed_key", key=key),
        n,
        r,
        p,
        text(document, "issuer_id", key=key),
    )


def apply_code_slots(session: Session, items: list[Item], now: datetime) -> None:
    """Store new slots (never over a used one); switch issuers on the first server slots."""
    del now
    rows = []
    for key, document in items:
        split_key(key, ("slot",))
        if document is not None:  # the server never takes a slot back; nothing to undo
            rows.append(_slot_row(key, document))
    if not rows:
        return
    issuers = {str(row[-1]) for row in rows}
    if len(issuers) != 1:
        raise PullRefused("slots from more than one code issuer in one page")
    (issuer_id,) = issuers
    connection = raw_connection(session)
    if code_issuer(connection) != issuer_id:
        _switch(session, connection, issuer_id)
    connection.executemany(
        "INSERT INTO exam_key_slot (counter, salt, nonce, sealed_key, scrypt_n, scrypt_r,"
        " scrypt_p, issuer_id, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT (counter) DO NOTHING",
        rows,
    )
    retire_demo_school(session)  # it may have waited for the demo issuer to retire


def apply_pack_keys(session: Session, items: list[Item], now: datetime) -> None:
    """Store pack keys wrapped for this station's server exam key."""
    del now
    current = state_value(session, CODE_ISSUER_KEY)
    connection = raw_connection(session)
    for key, document in items:
        if document is None:
            pack_id, _, key_id = key.rpartition(":")
            connection.execute(
                "DELETE FROM wrapped_pack_key WHERE pack_id = ? AND key_id = ?", (pack_id, key_id)
            )
            continue
        pack_id = text(document, "pack_id", key=key)
        key_id = text(document, "key_id", key=key)
        if text(document, "issuer_id", key=key) != current:
            raise PullRefused(
                f"the key for {pack_id} was wrapped for another exam key than this station's "
                "code slots open; sync again (code slots come first)"
            )
        connection.execute(
            "INSERT OR REPLACE INTO wrapped_pack_key (pack_id, key_id, nonce, wrapped)"
            " VALUES (?, ?, ?, ?)",
            (
                pack_id,
                key_id,
                binary(document, "nonce", key=key),
                binary(document, "wrapped", key=key),
            ),
        )
