"""Pack keys wrapped by the station exam key, and opening a sealed item bank with them.

The exam key (32 random bytes) is on disk only inside code slots; a caller holds it in
memory between a right code and the end of the attempt. Pack keys are stored only as
``AESGCM(exam_key).encrypt(nonce, pack_key, aad=pack_id|key_id)``. An opened bank lives
in memory only; nothing here writes plaintext anywhere.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mcdesk.content.catalog import load_manifest, read_pack_file
from mcdesk.content.sealing import PackKey, SealError, bank_aad, read_pack_key, unseal
from mcdesk.protocol.exam_keys import EXAM_KEY_BYTES, pack_key_aad, seal_pack_key


class KeyringError(Exception):
    """A pack key or item bank cannot be opened; the message says why and what to do."""


def wrap_pack_key(connection: sqlite3.Connection, *, pack_key: PackKey, exam_key: bytes) -> None:
    """Store a pack key wrapped by the exam key (replacing an older wrap of the same key)."""
    nonce, wrapped = seal_pack_key(pack_key=pack_key, exam_key=exam_key)
    connection.execute(
        "INSERT OR REPLACE INTO wrapped_pack_key (pack_id, key_id, nonce, wrapped)"
        " VALUES (?, ?, ?, ?)",
        (pack_key.pack_id, pack_key.key_id, nonce, wrapped),
    )


def unwrap_pack_key(
    connection: sqlite3.Connection, *, pack_id: str, key_id: str, exam_key: bytes
) -> PackKey:
    """The pack key, or KeyringError if it was never wrapped here or the exam key is wrong."""
    row = connection.execute(
        "SELECT nonce, wrapped FROM wrapped_pack_key WHERE pack_id = ? AND key_id = ?",
        (pack_id, key_id),
    ).fetchone()
    if row is None:
        raise KeyringError(
            f"this station has no key for {pack_id} yet: it is waiting for the next teacher code"
        )
    try:
        key = AESGCM(exam_key).decrypt(bytes(row[0]), bytes(row[1]), pack_key_aad(pack_id, key_id))
    except (InvalidTag, ValueError) as exc:
        raise KeyringError(f"the key for {pack_id} does not open with this exam key") from exc
    pack_key = PackKey(pack_id=pack_id, key=key)
    if pack_key.key_id != key_id:
        raise KeyringError(f"the stored key for {pack_id} does not match its key id")
    return pack_key


def check_exam_key(connection: sqlite3.Connection, *, exam_key: bytes) -> bool:
    """False if a wrapped pack key exists and this exam key does not open it."""
    row = connection.execute("SELECT pack_id, key_id FROM wrapped_pack_key LIMIT 1").fetchone()
    if row is None:
        return len(exam_key) == EXAM_KEY_BYTES
    try:
        unwrap_pack_key(connection, pack_id=row[0], key_id=row[1], exam_key=exam_key)
    except KeyringError:
        return False
    return True


def wrapped_key_ids(connection: sqlite3.Connection) -> set[tuple[str, str]]:
    rows = connection.execute("SELECT pack_id, key_id FROM wrapped_pack_key").fetchall()
    return {(str(row[0]), str(row[1])) for row in rows}


def pending_pack_keys(
    connection: sqlite3.Connection, available: Iterable[PackKey]
) -> list[PackKey]:
    """The available pack keys not wrapped on this station yet."""
    wrapped = wrapped_key_ids(connection)
    return [key for key in available if (key.pack_id, key.key_id) not in wrapped]


def wrap_pending_pack_keys(
    connection: sqlite3.Connection, *, exam_key: bytes, available: Iterable[PackKey]
) -> list[str]:
    """Wrap every available pack key not wrapped yet (call while the exam key is in memory)."""
    pending = pending_pack_keys(connection, available)
    for pack_key in pending:
        wrap_pack_key(connection, pack_key=pack_key, exam_key=exam_key)
    return [pack_key.pack_id for pack_key in pending]


def packs_waiting_for_a_key(connection: sqlite3.Connection) -> list[str]:
    """Installed packs with a sealed bank whose key is not wrapped on this station."""
    wrapped = wrapped_key_ids(connection)
    waiting = []
    for (pack_id,) in connection.execute("SELECT id FROM pack ORDER BY id").fetchall():
        manifest = load_manifest(connection, pack_id)
        bank = ((manifest or {}).get("assessment") or {}).get("bank")
        if bank and (pack_id, bank["key_id"]) not in wrapped:
            waiting.append(str(pack_id))
    return waiting


def load_pack_keys(folder: Path) -> list[PackKey]:
    """Every ``*.packkey.json`` in a folder (none if it does not exist)."""
    if not folder.is_dir():
        return []
    try:
        return [read_pack_key(path) for path in sorted(folder.glob("*.packkey.json"))]
    except SealError as exc:
        raise KeyringError(str(exc)) from exc


def open_bank(
    connection: sqlite3.Connection, *, pack_id: str, version: str, exam_key: bytes
) -> list[dict[str, Any]]:
    """The installed pack's assessment items, decrypted in memory."""
    manifest = load_manifest(connection, pack_id)
    if manifest is None:
        raise KeyringError(f"{pack_id} is not installed on this station")
    if manifest["version"] != version:
        raise KeyringError(
            f"{pack_id} {version} was replaced by version {manifest['version']}; start again"
        )
    bank = (manifest.get("assessment") or {}).get("bank")
    if not bank:
        raise KeyringError(f"{pack_id} has no sealed assessment")
    sealed = read_pack_file(connection, pack_id, bank["path"])
    if sealed is None:
        raise KeyringError(f"{pack_id}: the sealed bank is missing; import the pack again")
    pack_key = unwrap_pack_key(
        connection, pack_id=pack_id, key_id=bank["key_id"], exam_key=exam_key
    )
    try:
        document = json.loads(unseal(sealed, pack_key=pack_key, aad=bank_aad(pack_id, version)))
    except (SealError, ValueError) as exc:
        raise KeyringError(f"{pack_id}: the sealed bank does not open ({exc})") from exc
    if document.get("pack_id") != pack_id or document.get("version") != version:
        raise KeyringError(f"{pack_id}: the sealed bank belongs to another pack or version")
    return [dict(item) for item in document["items"]]
