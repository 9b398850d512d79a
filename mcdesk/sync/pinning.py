"""The server key a station trusts: pinned on first use, and any change refused."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session

from mcdesk.keys import public_key_b64
from mcdesk.store.engine import make_engine
from mcdesk.store.identity import remember_identity
from mcdesk.store.sync_state import SERVER_URL_KEY
from mcdesk.store.tables import SyncState
from mcdesk.sync.client import SyncError
from mcdesk.sync.status import SERVER_PUBLIC_KEY as SERVER_PUBLIC_KEY


def enrolled_server_url(database: Path) -> str | None:
    """The server this station enrolled with (or last synced with), if any."""
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            row = session.get(SyncState, SERVER_URL_KEY)
    finally:
        engine.dispose()
    return None if row is None else row.value


def pinned_server_key(database: Path) -> Ed25519PublicKey | None:
    """The pinned receipt-signing key, or None before the first sync."""
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            row = session.get(SyncState, SERVER_PUBLIC_KEY)
    finally:
        engine.dispose()
    if row is None:
        return None
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(row.value))


def pin_server_key(
    *, database: Path, server_url: str, offered: Ed25519PublicKey
) -> Ed25519PublicKey:
    """The key to verify receipts with: ``offered`` on first use, else the pinned one.

    Security rule: a server presenting another key is refused, never re-pinned here;
    receipts signed by an impostor would otherwise mark unsent events as sent.
    """
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            row = session.get(SyncState, SERVER_PUBLIC_KEY)
            if row is not None and row.value != public_key_b64(offered):
                raise SyncError(
                    f"the server at {server_url} presents a different key from the one this "
                    "station pinned when it first synced; nothing was sent. If the server was "
                    "really replaced, an administrator must enrol this station again"
                )
            if row is None:
                session.add(SyncState(key=SERVER_PUBLIC_KEY, value=public_key_b64(offered)))
            # The address may change (a new name, a proxy); the key is what is trusted.
            session.merge(SyncState(key=SERVER_URL_KEY, value=server_url))
            session.commit()
    finally:
        engine.dispose()
    remember_identity(database)  # the copy a damaged store is salvaged with
    return offered


def pin_enrolled_key(*, database: Path, server_url: str, key: Ed25519PublicKey) -> None:
    """Pin the key an enrolment answered with, replacing any earlier pin.

    Security rule: only enrolment may re-pin. A one-time token from an administrator is
    the proof that this server is the one to trust; a plain sync never re-pins.
    """
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            session.merge(SyncState(key=SERVER_PUBLIC_KEY, value=public_key_b64(key)))
            session.merge(SyncState(key=SERVER_URL_KEY, value=server_url))
            session.commit()
    finally:
        engine.dispose()
    remember_identity(database)  # the copy a damaged store is salvaged with
