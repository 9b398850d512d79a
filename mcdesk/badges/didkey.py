"""did:key for Ed25519: the issuer's identifier carries its public key, so no network is needed."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mcdesk.errors import McdeskError

# The multicodec code for an Ed25519 public key (0xed) as an unsigned varint.
_ED25519_PUB = b"\xed\x01"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}
# A did:key for Ed25519 is 56 characters of base58; anything far longer is not one.
_MAX_DID_CHARS = 200


class DidRefused(McdeskError, ValueError):
    """A did:key that is not an Ed25519 did:key; the message says why."""


def _base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        chars.append(_ALPHABET[rest])
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + "".join(reversed(chars))


def _base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise DidRefused(f"{char!r} is not a base58 character")
        number = number * 58 + _INDEX[char]
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def did_key_for(public_key: Ed25519PublicKey) -> str:
    """The did:key of an Ed25519 public key (multicodec ed25519-pub, multibase base58btc)."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "did:key:z" + _base58_encode(_ED25519_PUB + raw)


def verification_method(did: str) -> str:
    """The one verification method of a did:key: the DID, '#', and its own fingerprint."""
    return f"{did}#{did.removeprefix('did:key:')}"


def public_key_from_did(did_or_method: str) -> Ed25519PublicKey:
    """Resolve a did:key (or its verification method) to its Ed25519 key, offline."""
    if len(did_or_method) > _MAX_DID_CHARS:
        raise DidRefused("the key identifier is too long to be a did:key")
    did, _, fragment = did_or_method.partition("#")
    if not did.startswith("did:key:z"):
        raise DidRefused(f"{did[:60]!r} is not a did:key in base58btc")
    fingerprint = did.removeprefix("did:key:")
    if fragment and fragment != fingerprint:
        raise DidRefused("the key fragment does not name the did:key's own key")
    decoded = _base58_decode(fingerprint[1:])
    if not decoded.startswith(_ED25519_PUB) or len(decoded) != 34:
        raise DidRefused("the did:key does not hold an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])
