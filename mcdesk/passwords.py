"""Salted scrypt hashes for learner PINs and teacher passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n=2**14, r=8: 16 MiB and tens of milliseconds per check on a lab PC, which makes an
# offline guess of a 4-digit PIN cost minutes rather than microseconds.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
# Learner PINs from a roster: 2 MiB, ~4 ms. A 4-digit PIN has only 10^4 values, so no
# affordable cost stops an offline search of a copied hash (under a minute on one core
# here, 9 at SCRYPT_N); what stops guessing is the sign-in throttle. An eighth of the
# cost lets a 5,000-learner roster hash in seconds (docs/security.md, "PIN hashes").
PIN_SCRYPT_N = 2**11


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


def hash_secret(secret: str, *, n: int = SCRYPT_N) -> str:
    """``scrypt$n$r$p$salt$hash`` with a fresh 16-byte salt."""
    salt = os.urandom(16)
    digest = _scrypt(secret, salt, n, SCRYPT_R, SCRYPT_P)
    encode = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def hash_pin(pin: str) -> str:
    """A learner PIN's hash, at ``PIN_SCRYPT_N`` (checked by ``verify_secret`` like any)."""
    return hash_secret(pin, n=PIN_SCRYPT_N)


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(secret, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
