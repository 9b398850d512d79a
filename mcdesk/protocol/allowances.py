"""A teacher's allowance for one learner, as the ``allowances`` stream carries it.

Documents ``{id, learner_id, pack_id, kind, reason, granted_by, granted_at}`` under
``allowance:<id>``. ``extra_attempt`` lifts the daily attempt limit and ``waive_review``
the review-before-retake rule, each for the learner's next attempt at ``pack_id`` on a
station; ``clear_lockout`` (no pack) lets a learner locked out of sign-in try again at once.
Once used, the document also says by which attempt, when and where: ``used_by_attempt``,
``used_at`` and ``used_station_id`` (absent or null while unused).

A station that uses one queues an ``allowance_used`` event (``use_body``) in the
attempt's own transaction; the server reads it back with ``read_use``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

KEY_PREFIX = "allowance:"
MAX_REASON = 300  # characters: why, in a sentence


class AllowanceKind(StrEnum):
    EXTRA_ATTEMPT = "extra_attempt"
    WAIVE_REVIEW = "waive_review"
    CLEAR_LOCKOUT = "clear_lockout"


# The kinds that name a micro-credential and are used up by the next attempt at it.
RETAKE_KINDS = frozenset({AllowanceKind.EXTRA_ATTEMPT, AllowanceKind.WAIVE_REVIEW})


# Ids in a use event: an allowance (UUIDv4), an attempt (UUIDv7), a learner (a UUID
# or an admin's id): letters, digits and dashes, at most 64, nothing that needs escaping.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_MOMENT = 40  # characters of an ISO time with its offset (32 with microseconds)


@dataclass(frozen=True, slots=True)
class AllowanceUse:
    """An allowance used by an attempt on a station, at a time (the station's clock)."""

    allowance_id: str
    attempt_id: str
    learner_id: str
    pack_id: str
    used_at: datetime


def use_body(use: AllowanceUse) -> dict[str, Any]:
    """The ``allowance_used`` event's body (its ``kind`` is added by the outbox)."""
    return {
        "allowance_id": use.allowance_id,
        "attempt_id": use.attempt_id,
        "learner_id": use.learner_id,
        "pack_id": use.pack_id,
        "used_at": use.used_at.isoformat(),
    }


def read_use(document: dict[str, Any]) -> AllowanceUse | None:
    """The use an ``allowance_used`` event reports, or None if any field is out of shape."""
    fields = [document.get(name) for name in ("allowance_id", "attempt_id", "learner_id")]
    pack_id, at = document.get("pack_id"), document.get("used_at")
    if not all(isinstance(f, str) and _ID.fullmatch(f) for f in fields):
        return None
    if not isinstance(pack_id, str) or not _ID.fullmatch(pack_id):
        return None
    if not isinstance(at, str) or len(at) > MAX_MOMENT:
        return None
    try:
        used_at = datetime.fromisoformat(at)
    except ValueError:
        return None
    if used_at.tzinfo is None:
        return None
    allowance_id, attempt_id, learner_id = (str(f) for f in fields)
    return AllowanceUse(allowance_id, attempt_id, learner_id, pack_id, used_at)
