"""The retake rule: attempts per day, and review of missed skills before another try."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from mcdesk.protocol.attempt_score import weak_skills
from mcdesk.protocol.review import REVIEW_KINDS, reviewed_since
from mcdesk.protocol.streams import EventKind


@dataclass(frozen=True, slots=True)
class RetakeDecision:
    allowed: bool
    reason: str
    earliest: datetime | None = None  # when the daily limit lifts, if that is the reason
    review: tuple[str, ...] = ()  # skills to study again first, if that is the reason
    left_today: int | None = None  # tries left today under the daily limit, once one ended
    # A teacher's allowances this attempt would use up (exam.allowance_use marks them used
    # in the transaction that creates the attempt).
    allowances: tuple[str, ...] = ()


EXTRA_ATTEMPT, WAIVE_REVIEW = "extra_attempt", "waive_review"  # mcdesk.protocol.allowances


def _allowances(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str
) -> dict[str, tuple[str, str, str]]:
    """The oldest unused allowance of each kind: kind → (id, reason, who granted it)."""
    rows = connection.execute(
        "SELECT kind, id, reason, granted_by FROM allowance WHERE learner_id = ? AND pack_id = ?"
        " AND used_by_attempt IS NULL ORDER BY granted_at DESC, id DESC",
        (learner_id, pack_id),
    ).fetchall()
    return {str(kind): (str(i), str(reason), str(by)) for kind, i, reason, by in rows}


def _granted(words: str, allowance: tuple[str, str, str]) -> str:
    _, reason, by = allowance
    who = by or "Your teacher"
    return f"{who} {words}" + (f": {reason}" if reason else ".")


def _moment(text: str | None) -> datetime | None:
    """A stored time (ISO with offset, or SQLAlchemy's naive UTC) as an aware datetime."""
    if text is None:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _weak_skills(
    connection: sqlite3.Connection, *, attempt_id: str, form: Mapping[str, Any], level: float
) -> list[str]:
    """Skills scored below the cut score in an attempt (all of them if it has no result)."""
    row = connection.execute(
        "SELECT body FROM exam_result WHERE attempt_id = ?", (attempt_id,)
    ).fetchone()
    if row is None:
        return sorted({str(item["skill"]) for item in form["items"]})
    return weak_skills(json.loads(row[0])["score"]["skills"], level=level)


# Where the store keeps the moment of each kind of event that reviews a skill
# (mcdesk.protocol.review.REVIEW_KINDS, which the server folds from the same events):
# mcdesk.study.progress writes both in the transaction that queues the event.
_REVIEW_MOMENTS = {
    EventKind.SKILL_OPENED: "SELECT last_opened_at FROM skill_progress "
    "WHERE learner_id = ? AND pack_id = ? AND skill_id = ?",
    EventKind.SELFCHECK_RESULT: "SELECT finished_at FROM selfcheck_run "
    "WHERE learner_id = ? AND pack_id = ? AND skill_id = ?",
}


def _studied_since(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str, skill_id: str, since: datetime
) -> bool:
    """Whether the learner reviewed the skill after ``since`` (mcdesk.protocol.review)."""
    queries = [_REVIEW_MOMENTS[kind] for kind in sorted(REVIEW_KINDS)]
    moments = connection.execute(
        " UNION ALL ".join(queries), (learner_id, pack_id, skill_id) * len(queries)
    ).fetchall()
    return reviewed_since((_moment(text) for (text,) in moments), ended=since)


def retake_allowed(
    connection: sqlite3.Connection,
    *,
    learner_id: str,
    pack_id: str,
    blueprint: Mapping[str, Any],
    now: datetime,
) -> RetakeDecision:
    """Whether the learner may start another attempt now, and if not, why and until when.

    Attempts per day count those that ended on the local date of ``now`` (its own zone).
    """
    local_now = now if now.tzinfo is not None else now.astimezone()
    rows = connection.execute(
        "SELECT id, state, form, ended_at, passed FROM attempt "
        "WHERE learner_id = ? AND pack_id = ?",
        (learner_id, pack_id),
    ).fetchall()
    if any(state in ("unlocked", "running", "paused") for _, state, _, _, _ in rows):
        return RetakeDecision(False, "An attempt is in progress: ask your teacher to resume it.")
    ended = sorted(
        ((m, str(i), json.loads(f), p) for i, _, f, e, p in rows if (m := _moment(e)) is not None),
        key=lambda r: r[0],
    )
    if not ended:
        return RetakeDecision(True, "First attempt.")
    rule = blueprint["retake"]
    today = local_now.date()
    used = sum(1 for moment, *_ in ended if moment.astimezone(local_now.tzinfo).date() == today)
    left = max(0, int(rule["max_attempts_per_day"]) - used)
    allowed = _allowances(connection, learner_id=learner_id, pack_id=pack_id)
    using: list[str] = []
    notes: list[str] = []
    if left == 0 and EXTRA_ATTEMPT in allowed:
        using.append(allowed[EXTRA_ATTEMPT][0])
        notes.append(_granted("allowed an extra attempt", allowed[EXTRA_ATTEMPT]))
        left = 1
    if left == 0:
        midnight = datetime.combine(today + timedelta(days=1), datetime.min.time())
        earliest = midnight.replace(tzinfo=local_now.tzinfo)
        return RetakeDecision(
            False,
            f"You have used today's {used} attempt{'s' if used != 1 else ''}; try again tomorrow.",
            earliest=earliest,
            left_today=0,
        )
    last_end, last_id, last_form, last_passed = ended[-1]
    if rule["requires_review"] and not last_passed:
        level = float(blueprint["proficiency_level"])
        weak = _weak_skills(connection, attempt_id=last_id, form=last_form, level=level)
        missing = tuple(
            skill
            for skill in weak
            if not _studied_since(
                connection, learner_id=learner_id, pack_id=pack_id, skill_id=skill, since=last_end
            )
        )
        if missing and WAIVE_REVIEW in allowed:
            using.append(allowed[WAIVE_REVIEW][0])
            notes.append(_granted("waived the review before this retake", allowed[WAIVE_REVIEW]))
        elif missing:
            return RetakeDecision(
                False,
                "Review the skills you missed before trying again: " + ", ".join(missing) + ".",
                review=missing,
                left_today=left,
            )
    reason = " ".join(notes) or "A retake is allowed."
    return RetakeDecision(True, reason, left_today=left, allowances=tuple(using))


def _tries(count: int) -> str:
    return f"{count} {'try' if count == 1 else 'tries'}"


def next_try_text(decision: RetakeDecision, *, passed: bool) -> str:
    """What a result page says about trying again: nothing after a pass.

    After a fail: what stands in the way (review, or the daily limit), how many tries
    are left today, and when the next one opens.
    """
    if passed:
        return ""
    left = decision.left_today
    today = "" if left is None else f" You have {_tries(left)} left today."
    if decision.earliest is not None:
        when = decision.earliest
        return (
            f"You have used all of today's tries. Your next try opens tomorrow, "
            f"{when:%A} {when.day} {when:%B}."
        )
    if decision.review:
        return f"{decision.reason}{today} The next one opens as soon as you have reviewed them."
    if decision.allowed:
        return f"You can try again as soon as you are ready.{today}"
    return decision.reason
