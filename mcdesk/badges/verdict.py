"""What the verifier answers: each check in words and the overall outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mcdesk.badges.baking import BadgeVersion


class Outcome(Enum):
    """The overall answer."""

    VERIFIED = "verified"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"
    # Signed, unchanged and in date, but whether it was revoked could not be checked.
    UNCONFIRMED = "not confirmed"


class CheckState(Enum):
    """How one check came out."""

    PASSED = "passed"
    FAILED = "FAILED"
    NOT_CHECKED = "not checked"
    COULD_NOT_CHECK = "could not check"


@dataclass(frozen=True, slots=True)
class Check:
    """One check and what it found, in words."""

    name: str
    state: CheckState
    words: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Every check in order, the outcome, its reason, and the signed credential when readable."""

    outcome: Outcome
    reason: str
    checks: tuple[Check, ...]
    version: BadgeVersion | None = None
    credential: Mapping[str, Any] | None = None
    changed_fields: tuple[str, ...] = field(default=())

    def lines(self) -> list[str]:
        """The verdict as lines of plain words, for the command line."""
        out = [f"{check.name}: {check.state.value} — {check.words}" for check in self.checks]
        out.append(f"result: {self.outcome.value.upper()} — {self.reason}")
        return out
