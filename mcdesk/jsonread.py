"""The one way mcdesk reads JSON it did not write itself: size, depth and numbers bounded."""

from __future__ import annotations

import json
import math
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
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def read_json(raw: bytes | str, *, what: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON or raise `JsonRefused` naming `what` and the reason."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        raise JsonRefused(f"{what} is too large ({size:,} bytes; the limit is {max_bytes:,})")
    try:
        value = json.loads(raw, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except JsonRefused as exc:
        raise JsonRefused(f"{what} is not valid: {exc}") from None
    except RecursionError:
        raise JsonRefused(f"{what} nests deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise JsonRefused(f"{what} is not UTF-8 text") from None
    except ValueError as exc:
        raise JsonRefused(f"{what} is not JSON ({exc})") from None
    if not _depth_within(value, max_depth):
        raise JsonRefused(f"{what} nests deeper than {max_depth} levels")
    return value
