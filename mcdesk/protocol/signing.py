"""Signed station requests: the message both sides build, and the station's headers."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

STATION_HEADER = "X-Mcdesk-Station"
TIMESTAMP_HEADER = "X-Mcdesk-Timestamp"
NONCE_HEADER = "X-Mcdesk-Nonce"
SIGNATURE_HEADER = "X-Mcdesk-Signature"
NONCE_BYTES = 16


def request_message(*, method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """The exact bytes a station signs and the server verifies for one request."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{digest}".encode()


def signed_headers(
    *,
    key: Ed25519PrivateKey,
    station_id: str,
    method: str,
    path: str,
    body: bytes,
    timestamp: int,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers that authenticate one request; ``path`` is the URL path without the query."""
    nonce = secrets.token_hex(NONCE_BYTES) if nonce is None else nonce
    message = request_message(method=method, path=path, timestamp=timestamp, nonce=nonce, body=body)
    return {
        STATION_HEADER: station_id,
        TIMESTAMP_HEADER: str(timestamp),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: base64.b64encode(key.sign(message)).decode("ascii"),
    }
