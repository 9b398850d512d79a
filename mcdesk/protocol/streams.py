"""The names station and server share: pull streams and the kinds of pushed events."""

from __future__ import annotations

from enum import StrEnum


class Stream(StrEnum):
    """A pull stream, in the order a station pulls them (names roster rows before use)."""

    ROSTER = "roster"
    GRANTS = "grants"
    ACCOMMODATIONS = "accommodations"
    CODE_SLOTS = "code_slots"
    PACK_KEYS = "pack_keys"
    CATALOG = "catalog"
    BADGES = "badges"
    ANNOUNCEMENTS = "announcements"
    # A teacher's exception for one learner: an extra attempt, review waived, lockout cleared.
    ALLOWANCES = "allowances"


STREAMS = tuple(Stream)


class EventKind(StrEnum):
    """What an outbox event reports; the server acts on results, logs, used codes and allowances."""

    SKILL_OPENED = "skill_opened"
    SKILL_STUDIED = "skill_studied"
    ACTIVE_TIME = "active_time"
    SELFCHECK_RESULT = "selfcheck_result"
    # A learner opened an outside link from a lesson ("other resources" on the Progress grid).
    LINK_OPENED = "link_opened"
    # A learner had a class announcement on screen on their home (once per learner and
    # announcement; the rule is mcdesk.study.announcement_reads).
    ANNOUNCEMENT_READ = "announcement_read"
    EXAM_INCIDENT = "exam_incident"
    EXAM_RESULT = "exam_result"
    EXAM_LOG = "exam_log"
    CODE_USED = "code_used"
    # A career-day kiosk's running totals for one day (visits, clusters viewed, tastes,
    # points out of questions); the newest per station and day holds the day's count.
    KIOSK_DAY = "kiosk_day"
    # A teacher's allowance (extra attempt, waived review) used by an attempt, queued in
    # the attempt's own transaction: the server marks it used for every station.
    ALLOWANCE_USED = "allowance_used"


# Events whose body carries a document signed by the station key.
SIGNED_EVENT_KINDS = (EventKind.EXAM_RESULT, EventKind.EXAM_LOG)
