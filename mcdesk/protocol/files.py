"""Signed sync files (USB-stick sync): a body and an Ed25519 signature over its exact bytes."""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcdesk.jsonread import JsonRefused, read_json

EXPORT_KIND = "mcdesk-sync-export"
RECEIPTS_KIND = "mcdesk-sync-receipts"
FORMAT = 1
MAX_FILE_BYTES = 256 * 1024 * 1024


PROVISION_KIND = "mcdesk-provision"
# Server answers in the same envelope, signed by the server key the station pinned.
PULL_PAGE_KIND = "mcdesk-pull-page"
MANIFEST_KIND = "mcdesk-pack-manifest"


class FileRefused(Exception):
    """A sync file that cannot be used; the message says what is wrong and what to do."""


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (it may hold results or keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def signed_document(kind: str, body: bytes, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The envelope: the body (base64) and an Ed25519 signature over its exact bytes."""
    return {
        "kind": kind,
        "format": FORMAT,
        "body": base64.b64encode(body).decode("ascii"),
        "signature": base64.b64encode(key.sign(body)).decode("ascii"),
    }


def signed_file(kind: str, body: bytes, key: Ed25519PrivateKey) -> bytes:
    """The file text: a signed envelope as indented JSON."""
    return json.dumps(signed_document(kind, body, key), indent=1).encode("utf-8") + b"\n"


def read_signed_file(path: Path, kind: str) -> tuple[bytes, bytes]:
    """(body, signature) of a sync file of ``kind``; FileRefused with the reason otherwise."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileRefused(f"{path} is over {MAX_FILE_BYTES // 2**20} MiB: not a sync file")
        document = read_json(path.read_bytes(), what="it", max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        raise FileRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    except JsonRefused as exc:
        raise FileRefused(
            f"{path} is not a sync file (not JSON): {exc}; it may be damaged; export it again"
        ) from None
    if not isinstance(document, dict) or document.get("kind") != kind:
        found = document.get("kind") if isinstance(document, dict) else None
        raise FileRefused(f"{path} is not a {kind} file (it says {found!r})")
    if document.get("format") != FORMAT:
        raise FileRefused(f"{path} is format {document.get('format')!r}; this app reads {FORMAT}")
    try:
        body = base64.b64decode(document["body"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise FileRefused(
            f"{path} is damaged (body or signature missing); export it again"
        ) from None
    return body, signature


def open_signed(document: Any, *, kind: str, key: Ed25519PublicKey, what: str) -> bytes:
    """The body of an envelope of ``kind`` once ``key``'s signature over it holds.

    Security rule: the caller parses and uses the body only after this returns, so
    nothing an envelope says is trusted before its signature is checked.
    """
    if not isinstance(document, dict) or document.get("kind") != kind:
        raise FileRefused(f"{what} is not a {kind} document")
    if document.get("format") != FORMAT:
        raise FileRefused(f"{what} is format {document.get('format')!r}; this app reads {FORMAT}")
    try:
        body = base64.b64decode(document["body"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise FileRefused(f"{what} is damaged (body or signature missing)") from None
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise FileRefused(
            f"{what} was not signed by the server this station trusts (it may have been "
            "changed on the way)"
        ) from None
    return body
