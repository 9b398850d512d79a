"""The one way mcdesk reads JSON it did not write itself: size, depth and numbers bounded."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from mcdesk.errors import McdeskError

# Nothing mcdesk exchanges nests deeper than ~10 levels; 64 leaves room and stays far
# below the interpreter's recursion limit.
MAX_DEPTH = 64
# int64 fits in 19 digits plus a sign; a longer number is hostile, not data.
MAX_NUMBER_CHARS = 24


class JsonRefused(McdeskError, ValueError):
    """A JSON document refused before or while parsing; the message says why in words."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"a number with {len(text)} digits is too long")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"a number of {len(text)} characters is too long")
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused("a number is out of range")
    return value


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number")


def _depth_within(value: Any, limit: int) -> bool:
    """Walk without recursion so a deep document cannot exhaust the stack here either."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        deeper = depth + 1
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, deeper) for child in children if isinstance(child, (dict, list)))
    return True


def _openings(raw: bytes | str) -> int:
    """How many brackets open in the text: no document nests deeper than that."""
    if isinstance(raw, str):
        return raw.count("[") + raw.count("{")
    return raw.count(b"[") + raw.count(b"{")


# Digits in a row this long may make a number past MAX_NUMBER_CHARS; with none, every
# number is short and the parser's own int() is used (no Python call per number).
_LONG_DIGITS = re.compile(rf"\d{{{MAX_NUMBER_CHARS - 1}}}")
# For bytes (what requests bring), the same test without the regex engine, which
# retries at every digit of every hex hash and base64 run (~20x slower on a push body):
# every ASCII digit becomes "0", then one substring search. JSON numbers are ASCII.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_ZEROS = b"0" * (MAX_NUMBER_CHARS - 1)


def _may_hold_long_numbers(raw: bytes | str) -> bool:
    if isinstance(raw, str):
        return _LONG_DIGITS.search(raw) is not None
    return _LONG_ZEROS in raw.translate(_DIGITS_TO_ZERO)


# Made once: json.loads with any option builds a new decoder and scanner on every call,
# which cost more than parsing a small document (an exam-log entry) itself. Decoders keep
# no state between calls (the standard library shares one the same way).
_DECODER = json.JSONDecoder(parse_float=_float, parse_constant=_constant)
_CHECKING_INTS = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def _text(raw: bytes | str) -> str:
    """What json.loads decodes: bytes in the UTF-8/16/32 their start shows; no BOM on text."""
    if isinstance(raw, str):
        if raw.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", raw, 0)
        return raw
    return raw.decode(json.detect_encoding(raw), "surrogatepass")


def read_json(raw: bytes | str, *, what: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON or raise `JsonRefused` naming `what` and the reason."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        raise JsonRefused(f"{what} is too large ({size:,} bytes; the limit is {max_bytes:,})")
    try:
        decoder = _CHECKING_INTS if _may_hold_long_numbers(raw) else _DECODER
        value = decoder.decode(_text(raw))
    except JsonRefused as exc:
        raise JsonRefused(f"{what} is not valid: {exc}") from None
    except RecursionError:
        raise JsonRefused(f"{what} nests deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise JsonRefused(f"{what} is not UTF-8 text") from None
    except ValueError as exc:
        raise JsonRefused(f"{what} is not JSON ({exc})") from None
    if _openings(raw) > max_depth and not _depth_within(value, max_depth):
        raise JsonRefused(f"{what} nests deeper than {max_depth} levels")
    return value
