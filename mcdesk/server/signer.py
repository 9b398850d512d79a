"""The server's own Ed25519 key: made once, kept in the database, signs receipts."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.keys import key_id, public_key_b64
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.files import signed_document
from mcdesk.server.models import ServerKey, SignedAnswer


@dataclass(frozen=True, slots=True)
class ServerSigner:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


@lru_cache(maxsize=16)
def _signer_of(key_id: str, pem: bytes) -> ServerSigner:
    """The key of a row, parsed once per process (a PEM parse per request was ~1 ms)."""
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)  # only this module writes the row
    return ServerSigner(key_id=key_id, private_key=key)


def _signer(row: ServerKey) -> ServerSigner:
    return _signer_of(row.id, bytes(row.private_key_pem))


def load_signer(session: Session) -> ServerSigner | None:
    """The newest server key, or None before the first start."""
    row = session.exec(
        select(ServerKey).order_by(col(ServerKey.created_at).desc(), col(ServerKey.id))
    ).first()
    return None if row is None else _signer(row)


def ensure_signer(session: Session, *, now: datetime) -> ServerSigner:
    """The server key, generated and stored on the first start.

    The private key lives in the database so every worker and a restored backup sign
    with the same key: treat database backups as secrets.
    """
    existing = load_signer(session)
    if existing is not None:
        return existing
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = private_key.public_key()
    row = ServerKey(
        id=key_id(public), private_key_pem=pem, public_key=public_key_b64(public), created_at=now
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # pragma: no cover - another worker won; its key is as good
        session.rollback()
    signer = load_signer(session)
    assert signer is not None
    return signer


@lru_cache(maxsize=4096)
def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """A raw 32-byte Ed25519 public key from base64; ValueError if it is not one.

    Cached: a station's key is read on every request it sends (the objects are immutable).
    """
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def signed_answer(signer: ServerSigner, *, kind: str, document: Mapping[str, Any]) -> SignedAnswer:
    """``document`` as canonical JSON in the signed envelope stations check before use."""
    body = canonical_json(dict(document))
    return SignedAnswer(**signed_document(kind, body, signer.private_key))
