"""Sealed item banks: AES-256-GCM under a per-pack key kept outside the pack.

The nonce is derived from the key and the plaintext (HMAC-SHA256, first 12 bytes)
instead of drawn at random, so that building the same sources twice gives the same
bytes. A nonce repeats only for the very same plaintext under the same key, which
yields the very same ciphertext, so GCM's nonce-reuse weakness does not arise. The
associated data binds the bank to its pack id and version: a bank cannot be moved
into another pack or version without failing to open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mcdesk.errors import McdeskError
from mcdesk.jsonread import read_json
from mcdesk.keys import MAX_KEY_FILE_BYTES

NONCE_BYTES = 12


class SealError(McdeskError):
    """A sealed bank or pack key cannot be used."""


@dataclass(frozen=True, slots=True)
class PackKey:
    pack_id: str
    key: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"mcdesk-pack-key:" + self.key).hexdigest()[:16]


def new_pack_key(pack_id: str) -> PackKey:
    return PackKey(pack_id=pack_id, key=AESGCM.generate_key(bit_length=256))


def write_pack_key(path: Path, pack_key: PackKey) -> None:
    """Write a pack key file readable by its owner only."""
    document = {
        "kind": "mcdesk-pack-key",
        "pack_id": pack_key.pack_id,
        "key_id": pack_key.key_id,
        "key": base64.b64encode(pack_key.key).decode("ascii"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")


def read_pack_key(path: Path) -> PackKey:
    try:
        document = read_json(path.read_bytes(), what="it", max_bytes=MAX_KEY_FILE_BYTES)
        key = base64.b64decode(document["key"], validate=True)
        pack_key = PackKey(pack_id=str(document["pack_id"]), key=key)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SealError(f"cannot read the pack key {path}: {exc}") from exc
    if len(key) != 32:
        raise SealError(f"{path}: a pack key must be 32 bytes")
    if document.get("key_id") != pack_key.key_id:
        raise SealError(f"{path}: key_id does not match the key")
    return pack_key


def bank_aad(pack_id: str, version: str) -> bytes:
    return f"mcdesk-bank:{pack_id}:{version}".encode()


def seal(plaintext: bytes, *, pack_key: PackKey, aad: bytes) -> bytes:
    """nonce || ciphertext+tag, deterministic for the same key, data and plaintext."""
    nonce = hmac.new(pack_key.key, b"nonce:" + aad + b"\x00" + plaintext, hashlib.sha256).digest()
    nonce = nonce[:NONCE_BYTES]
    return nonce + AESGCM(pack_key.key).encrypt(nonce, plaintext, aad)


def unseal(sealed: bytes, *, pack_key: PackKey, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + 16:
        raise SealError("the sealed bank is too short")
    try:
        return AESGCM(pack_key.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise SealError(
            "the sealed bank does not open with this key (wrong key or altered)"
        ) from exc
