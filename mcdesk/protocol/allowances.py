"""A teacher's allowance for one learner, as the ``allowances`` stream carries it.

Documents ``{id, learner_id, pack_id, kind, reason, granted_by, granted_at}`` under
``allowance:<id>``. ``extra_attempt`` lifts the daily attempt limit and ``waive_review``
the review-before-retake rule, each for the learner's next attempt at ``pack_id`` on a
station; ``clear_lockout`` (no pack) lets a learner locked out of sign-in try again at once.
"""

from __future__ import annotations

from enum import StrEnum

KEY_PREFIX = "allowance:"
MAX_REASON = 300  # characters: why, in a sentence


class AllowanceKind(StrEnum):
    EXTRA_ATTEMPT = "extra_attempt"
    WAIVE_REVIEW = "waive_review"
    CLEAR_LOCKOUT = "clear_lockout"


# The kinds that name a micro-credential and are used up by the next attempt at it.
RETAKE_KINDS = frozenset({AllowanceKind.EXTRA_ATTEMPT, AllowanceKind.WAIVE_REVIEW})
