"""Revocation: a W3C Bitstring Status List credential, signed by the issuer as a VC-JWT."""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from mcdesk.badges.award import iso_z
from mcdesk.badges.issuer_key import IssuerKey
from mcdesk.badges.jws import (
    JwsRefused,
    parse_compact,
    sign_compact,
    signature_holds,
    signer_key,
)
from mcdesk.badges.ob3 import JWT_TYPE, VC_CONTEXT, jwt_claims
from mcdesk.errors import McdeskError

# The spec's minimum list size (16 KB of bits) hides which credential was looked up.
MIN_ENTRIES = 131_072
# A list past 16 MiB of bits (134M badges) is not ours; refuse before inflating it.
MAX_LIST_BYTES = 16 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024


class StatusRefused(McdeskError, ValueError):
    """A status list that cannot be trusted or read; the message says why."""


class StatusUnavailable(McdeskError):
    """The status list could not be fetched (offline, unreachable, too large)."""


def _encode(revoked: Iterable[int], size: int) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list (0..{size - 1})")
        # Index 0 is the left-most bit of the first byte (Bitstring Status List §2.1).
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def build_status_list(
    *,
    key: IssuerKey,
    list_url: str,
    revoked: Iterable[int],
    issued_at: datetime,
    size: int = MIN_ENTRIES,
) -> str:
    """The signed status list the server publishes at `list_url` (a VC-JWT)."""
    if size < MIN_ENTRIES or size % 8:
        raise ValueError(f"a status list holds at least {MIN_ENTRIES} entries, in whole bytes")
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": key.did,
        "validFrom": iso_z(issued_at),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": _encode(revoked, size),
        },
    }
    return sign_compact(payload={**credential, **jwt_claims(credential)}, key=key, typ=JWT_TYPE)


def _decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise StatusRefused("the status list is not multibase base64url")
    try:
        packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    except ValueError:
        raise StatusRefused("the status list is not base64url") from None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        bits = inflater.decompress(packed, MAX_LIST_BYTES)
    except zlib.error:
        raise StatusRefused("the status list is not GZIP data") from None
    if inflater.unconsumed_tail:
        raise StatusRefused("the status list inflates past 16 MiB")
    return bits


class RevocationState(Enum):
    """What the status list says about one credential."""

    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class StatusReading:
    """One credential's state, read from a list whose signature and issuer were checked."""

    state: RevocationState
    list_valid_from: str | None


def read_status(*, document: bytes, issuer_did: str, list_url: str, index: int) -> StatusReading:
    """Check the list's signature against `issuer_did`, then read bit `index` (or StatusRefused)."""
    if len(document) > MAX_DOCUMENT_BYTES:
        raise StatusRefused(f"the status list is too large ({len(document):,} bytes)")
    try:
        parsed = parse_compact(document.decode("ascii").strip())
        kid, public_key = signer_key(parsed)
    except (UnicodeDecodeError, JwsRefused) as exc:
        raise StatusRefused(f"the status list is not a signed list: {exc}") from None
    if kid.partition("#")[0] != issuer_did:
        raise StatusRefused("the status list is signed by another key than the badge's issuer")
    if not signature_holds(parsed, public_key):
        raise StatusRefused("the status list's signature does not match: it was altered")
    payload = parsed.payload
    subject = payload.get("credentialSubject") if isinstance(payload, dict) else None
    if not isinstance(subject, dict) or payload.get("id") != list_url:
        raise StatusRefused("the status list is not the one the badge names")
    if subject.get("statusPurpose") != "revocation":
        raise StatusRefused("the status list is not a revocation list")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusRefused("the status list has no encodedList")
    bits = _decode(encoded)
    if not 0 <= index < len(bits) * 8:
        raise StatusRefused(f"index {index} is outside the status list")
    revoked = bits[index // 8] & (0x80 >> (index % 8))
    valid_from = payload.get("validFrom")
    return StatusReading(
        state=RevocationState.REVOKED if revoked else RevocationState.ACTIVE,
        list_valid_from=valid_from if isinstance(valid_from, str) else None,
    )
