"""The issuer's Ed25519 signing key and the did:key that names it."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from mcdesk.badges.didkey import did_key_for, verification_method


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """An issuer's private key with its did:key and verification method."""

    private_key: Ed25519PrivateKey
    did: str
    method: str

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature of `message`."""
        return self.private_key.sign(message)

    def private_bytes(self) -> bytes:
        """The 32 raw private bytes, for the server to store (keep them secret)."""
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def issuer_key_from_private(private_key: Ed25519PrivateKey) -> IssuerKey:
    """Wrap an existing Ed25519 key (e.g. the server's) as an issuer key."""
    did = did_key_for(private_key.public_key())
    return IssuerKey(private_key=private_key, did=did, method=verification_method(did))


def new_issuer_key() -> IssuerKey:
    """A fresh Ed25519 issuer key."""
    return issuer_key_from_private(Ed25519PrivateKey.generate())


def issuer_key_from_bytes(raw: bytes) -> IssuerKey:
    """The issuer key stored as 32 raw private bytes."""
    return issuer_key_from_private(Ed25519PrivateKey.from_private_bytes(raw))
