"""Identifiers: UUIDv7 (time-ordered) for events and records; station ids (one pattern)."""

from __future__ import annotations

import os
import re
import time
import uuid

# What station and server both take as a station id. It travels in request headers,
# file names, logs and code derivation, so: ASCII letters, digits, dot, dash and
# underscore, starting with a letter or digit (no "..", "/", spaces or control or
# direction characters), 1 to 64 characters (a UUID is 36).
STATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def uuid7(*, unix_ms: int | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 74 random bits."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    value = (ms & ((1 << 48) - 1)) << 80
    value |= int.from_bytes(os.urandom(10), "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return str(uuid.UUID(int=value))


class BadStationId(ValueError):
    """A station id that does not fit STATION_ID; the message says why in words."""


def check_station_id(text: str) -> str:
    """``text`` when it is a station id, else BadStationId naming what is wrong."""
    if STATION_ID.fullmatch(text):
        return text
    if not text:
        raise BadStationId("the station id is empty")
    if len(text) > 64:
        raise BadStationId(f"the station id has {len(text):,} characters; at most 64 are allowed")
    raise BadStationId(
        f"{text[:64]!r} is not a station id: use letters, digits, '.', '-' and '_', "
        "starting with a letter or digit"
    )


def new_station_id() -> str:
    """A fresh random station id (a UUIDv4), which fits STATION_ID."""
    return check_station_id(str(uuid.uuid4()))
