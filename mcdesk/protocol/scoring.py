"""Scoring one response to one item, for every item type.

Credit is a number from 0 to 1; ``correct`` means full credit. Partial credit:

- single_choice, true_false, numeric, short_text: all or nothing.
- multiple_response: (right choices picked − wrong choices picked) / right choices,
  never below 0. Picking everything earns nothing extra.
- ordering: the share of options in their right position.
- matching: the share of prompts matched to the right option.

Responses are plain JSON values: an option id, a list of option ids, a bool, the text
typed (numeric and short_text), an ordered list of option ids, or {prompt id: option id}.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

MIXED_NUMBER = re.compile(r"^(-?\d+)\s+(\d+)\s*/\s*(\d+)$")
FRACTION = re.compile(r"^(-?\d+)\s*/\s*(\d+)$")
DECIMAL = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
MAX_TYPED = 40
NOT_A_NUMBER = "Type a number, like 2 7/16"


@dataclass(frozen=True, slots=True)
class ItemScore:
    credit: float
    correct: bool


def _all_or_nothing(ok: bool) -> ItemScore:
    return ItemScore(credit=1.0 if ok else 0.0, correct=ok)


def parse_number(text: str, *, unit: str | None = None) -> float | None:
    """A typed number: ``36``, ``1,200``, ``0.75``, ``3/4``, ``5 3/4``, with or without its unit."""
    value = " ".join(str(text).split())
    if len(value) > MAX_TYPED:
        return None  # int() refuses 4,300+ digits with a traceback; no length needs this many
    if unit and value.lower().endswith(unit.lower()):
        value = value[: -len(unit)].strip()
    value = value.rstrip('"').strip()  # inch marks typed after a number
    if match := MIXED_NUMBER.match(value):
        whole, num, den = (int(g) for g in match.groups())
        if den == 0:
            return None
        sign = -1 if whole < 0 else 1
        return float(whole + sign * Fraction(num, den))
    if match := FRACTION.match(value):
        num, den = (int(g) for g in match.groups())
        return None if den == 0 else float(Fraction(num, den))
    if value and value not in {"-", ".", "-."} and DECIMAL.match(value):
        return float(value.replace(",", ""))
    return None


def number_problem(response: Any, *, unit: str | None) -> str | None:
    """Why a response to a number item is not a number at all (None: it is one)."""
    if isinstance(response, int | float) and not isinstance(response, bool):
        return None
    if isinstance(response, str) and parse_number(response, unit=unit) is not None:
        return None
    return NOT_A_NUMBER


def response_problem(item: Mapping[str, Any], response: Any) -> str | None:
    """Why a response is not an answer to this item at all (None: it can be scored)."""
    # A word in a number box is a slip to point out, not a wrong answer to grade or save.
    if item["type"] != "numeric" or response is None:
        return None
    return number_problem(response, unit=item.get("unit"))


def _normalise(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _short_text(answer: Mapping[str, Any], response: Any) -> bool:
    if not isinstance(response, str):
        return False
    given = _normalise(response)
    if any(given == _normalise(accepted) for accepted in answer.get("accepted", [])):
        return True
    pattern = answer.get("pattern")
    return isinstance(pattern, str) and re.fullmatch(pattern, given, re.IGNORECASE) is not None


def _share(hits: int, total: int) -> ItemScore:
    credit = hits / total if total else 0.0
    return ItemScore(credit=credit, correct=hits == total and total > 0)


def score_item(item: Mapping[str, Any], response: Any) -> ItemScore:
    """Score a response; a missing or malformed response earns 0, never an error."""
    kind, answer = item["type"], item["answer"]
    if response is None:
        return ItemScore(credit=0.0, correct=False)
    if kind in ("single_choice", "true_false"):
        return _all_or_nothing(type(response) is type(answer) and response == answer)
    if kind == "numeric":
        number = (
            parse_number(response, unit=item.get("unit")) if isinstance(response, str) else None
        )
        if number is None and isinstance(response, int | float) and not isinstance(response, bool):
            number = float(response)
        tolerance = float(item.get("tolerance", 0)) + 1e-9  # float noise, not leniency
        return _all_or_nothing(number is not None and abs(number - float(answer)) <= tolerance)
    if kind == "short_text":
        return _all_or_nothing(_short_text(answer, response))
    if kind == "multiple_response":
        if not isinstance(response, list):
            return ItemScore(credit=0.0, correct=False)
        chosen, right = set(response), set(answer)
        credit = max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))
        return ItemScore(credit=credit, correct=chosen == right)
    if kind == "ordering":
        if not isinstance(response, list):
            return ItemScore(credit=0.0, correct=False)
        return _share(sum(1 for a, b in zip(response, answer, strict=False) if a == b), len(answer))
    if kind == "matching":
        if not isinstance(response, dict):
            return ItemScore(credit=0.0, correct=False)
        return _share(sum(1 for p, o in answer.items() if response.get(p) == o), len(answer))
    raise ValueError(f"unknown item type {kind!r}")
