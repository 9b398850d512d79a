"""``numeric``: a typed number within the tolerance; all or nothing.

A learner types ``36``, ``1,200``, ``0.75``, ``3/4`` or ``5 3/4``, with or without the unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import ItemScore, all_or_nothing

MIXED_NUMBER = re.compile(r"^(-?\d+)\s+(\d+)\s*/\s*(\d+)$")
FRACTION = re.compile(r"^(-?\d+)\s*/\s*(\d+)$")
DECIMAL = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
MAX_TYPED = 40
NOT_A_NUMBER = "Type a number, like 2 7/16"


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


@dataclass(frozen=True, slots=True)
class Numeric:
    TYPE: ClassVar[str] = "numeric"
    SHUFFLED: ClassVar[bool] = False
    answer: Any  # a number
    unit: str | None
    tolerance: Any  # a number; 0 if the pack gives none

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(item["answer"], item.get("unit"), item.get("tolerance", 0))

    def problems(self) -> list[str]:
        return []

    def score(self, response: Any) -> ItemScore:
        number = parse_number(response, unit=self.unit) if isinstance(response, str) else None
        if number is None and isinstance(response, int | float) and not isinstance(response, bool):
            number = float(response)
        tolerance = float(self.tolerance) + 1e-9  # float noise, not leniency
        return all_or_nothing(number is not None and abs(number - float(self.answer)) <= tolerance)

    def answer_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        tolerance = f" (± {self.tolerance:g})" if self.tolerance else ""
        return f"{self.answer:g}{unit}{tolerance}"
