"""Unlock codes: HOTP (RFC 4226) over this station's id and a counter, 8 digits, single use.

The RFC's dynamic truncation is kept as written; only the hash (SHA-256 instead of
SHA-1), the message (station id bytes + the 8-byte counter, so a code for one station
is useless on another) and the length (8 digits) are ours. Codes are typed by people,
so spaces and dashes are allowed and removed before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import re

CODE_DIGITS = 8
COUNTER_BYTES = 8
# Spaces, tabs and every dash a keyboard or a word processor may produce.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")


def truncate(digest: bytes, *, digits: int) -> str:
    """RFC 4226 dynamic truncation of an HMAC value to a zero-padded decimal code."""
    offset = digest[-1] & 0x0F
    binary = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(binary % 10**digits).zfill(digits)


def hotp(secret: bytes, message: bytes, *, digits: int, hash_name: str) -> str:
    """HMAC(secret, message) truncated to ``digits`` digits (RFC 4226 with a chosen hash)."""
    return truncate(hmac.new(secret, message, hash_name).digest(), digits=digits)


def counter_bytes(counter: int) -> bytes:
    if not 0 <= counter < 1 << (8 * COUNTER_BYTES):
        raise ValueError(f"a code counter must fit in 8 bytes, not {counter}")
    return counter.to_bytes(COUNTER_BYTES, "big")


def code_for(secret: bytes, *, station_id: str, counter: int) -> str:
    """The 8-digit code #counter for one station."""
    # The counter has a fixed width at the end, so station id + counter is unambiguous.
    message = station_id.encode("utf-8") + counter_bytes(counter)
    return hotp(secret, message, digits=CODE_DIGITS, hash_name=hashlib.sha256().name)


def normalise_code(typed: str) -> str | None:
    """The 8 digits of a typed code (spaces and dashes removed), or None if it is not one."""
    digits = _SEPARATORS.sub("", typed)
    # isdigit() accepts other scripts' digits and superscripts; a code is ASCII 0-9 only.
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def format_code(code: str) -> str:
    """``12345678`` → ``1234 5678``: easier to read aloud and to type."""
    return f"{code[:4]} {code[4:]}"
