"""What a value from a station must be for the server to store it, on SQLite and PostgreSQL.

PostgreSQL text cannot hold NUL, its INTEGER columns stop at 2**31 - 1 and SQLite's at
2**63 - 1; a value past these is refused as malformed before any query sees it, rather
than failing inside the database as a 500.
"""

from __future__ import annotations

import re

MAX_INT = 2**31 - 1  # seq and counter columns are INTEGER (int32 on PostgreSQL)
MAX_TEXT_CHARS = 200  # ids, kinds, hashes: a UUID is 36, a SHA-256 in hex 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def storable_text(value: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """``value`` when it is storable text (no control characters, not too long); else ValueError."""
    if len(value) > max_chars:
        raise ValueError(f"longer than {max_chars} characters")
    if _CONTROL.search(value):
        raise ValueError("holds a control character")
    return value


def storable_int(value: int) -> int:
    """``value`` when it fits a counter column (0 to 2**31 - 1); else ValueError."""
    if not 0 <= value <= MAX_INT:
        raise ValueError(f"is not between 0 and {MAX_INT}")
    return value
