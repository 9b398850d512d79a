"""The exam key and a pack key sealed under it: the server wraps, the station unwraps.

A wrap is ``AESGCM(exam_key).encrypt(nonce, pack_key, aad=pack_id|key_id)``; both sides
must build the same associated data, so it lives here once.
"""

from __future__ import annotations

import os
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

EXAM_KEY_BYTES = 32
NONCE_BYTES = 12


class SealablePackKey(Protocol):
    """What sealing needs of a pack key (``mcdesk.content.sealing.PackKey`` is one)."""

    @property
    def pack_id(self) -> str: ...

    @property
    def key(self) -> bytes: ...

    @property
    def key_id(self) -> str: ...


def new_exam_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def pack_key_aad(pack_id: str, key_id: str) -> bytes:
    """The associated data binding a wrapped pack key to its pack and key id."""
    return f"mcdesk-pack-key|{pack_id}|{key_id}".encode()


def seal_pack_key(*, pack_key: SealablePackKey, exam_key: bytes) -> tuple[bytes, bytes]:
    """(nonce, wrapped): the pack key sealed under an exam key (the server wraps with this)."""
    nonce = os.urandom(NONCE_BYTES)
    aad = pack_key_aad(pack_key.pack_id, pack_key.key_id)
    return nonce, AESGCM(exam_key).encrypt(nonce, pack_key.key, aad)
