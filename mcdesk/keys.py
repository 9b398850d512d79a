"""Ed25519 key files: publisher keys, the station key, and key ids."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcdesk.errors import McdeskError
from mcdesk.jsonread import read_json

# A publisher file holds a name and a 32-byte key: a few hundred bytes.
MAX_KEY_FILE_BYTES = 64 * 1024


class KeyFileError(McdeskError):
    """A key file is missing, unreadable or not the kind expected."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """Short, stable name of a public key: the first 16 hex digits of SHA-256 of its bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_b64(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def write_private_key(path: Path, private_key: Ed25519PrivateKey) -> None:
    """Write a PKCS#8 PEM private key readable by its owner only."""
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot read the private key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key")
    return key


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class PublisherKey:
    """A publisher's public identity, as trusted by stations."""

    name: str
    key_id: str
    public_key: Ed25519PublicKey

    def to_json(self) -> str:
        document = {
            "kind": "mcdesk-publisher",
            "name": self.name,
            "key_id": self.key_id,
            "public_key": public_key_b64(self.public_key),
        }
        return json.dumps(document, indent=2) + "\n"


def public_file_for(private_key_path: Path) -> Path:
    """The publisher's public file that sits beside its private key."""
    return private_key_path.with_suffix(".pub.json")


def new_publisher(private_key_path: Path, *, name: str) -> PublisherKey:
    """Create a publisher key pair: private PEM (0600) and a public JSON file beside it."""
    if private_key_path.exists():
        raise KeyFileError(f"{private_key_path} exists already; choose another file name")
    private_key = Ed25519PrivateKey.generate()
    publisher = PublisherKey(
        name=name, key_id=key_id(private_key.public_key()), public_key=private_key.public_key()
    )
    write_private_key(private_key_path, private_key)
    public_file_for(private_key_path).write_text(publisher.to_json(), encoding="utf-8")
    return publisher


def read_publisher(path: Path) -> PublisherKey:
    """Read a publisher's public JSON file."""
    try:
        document = read_json(path.read_bytes(), what="it", max_bytes=MAX_KEY_FILE_BYTES)
        raw = base64.b64decode(document["public_key"], validate=True)
        public_key = Ed25519PublicKey.from_public_bytes(raw)
        name = str(document["name"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"cannot read the publisher file {path}: {exc}") from exc
    stated = document.get("key_id")
    if stated != key_id(public_key):
        raise KeyFileError(f"{path}: key_id does not match its public key")
    return PublisherKey(name=name, key_id=key_id(public_key), public_key=public_key)


def load_trusted_publishers(*folders: Path) -> dict[str, PublisherKey]:
    """Every ``*.pub.json`` in the given folders, by key id; unreadable files are refused."""
    trusted: dict[str, PublisherKey] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.pub.json")):
            publisher = read_publisher(path)
            trusted[publisher.key_id] = publisher
    return trusted
