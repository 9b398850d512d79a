"""A granted micro-credential's close date in words, for the learner's home screen.

Dates are shown in the station's local time (``zone`` None). A close at local midnight is
the end of the day before: `mcdesk admin grant --closes 2026-03-12` stores 13 March 00:00,
and the learner reads "open until 12 March".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

SOON_DAYS = 7  # "closes in N days" within a week; the date alone after that
URGENT_DAYS = 3  # the line is marked as a warning from here on
CLOSED_SHOWN_DAYS = 30  # a closed one stays on home this long, then it is simply gone


@dataclass(frozen=True, slots=True)
class CloseDate:
    words: str  # "Assessment open until 12 March · closes in 3 days"
    urgent: bool  # three days or fewer left


@dataclass(frozen=True, slots=True)
class ClosedPack:
    """A micro-credential whose grant closed lately: the learner is told, and whom to ask."""

    pack_id: str
    title: str
    words: str  # "Closed at the end of 12 March. Ask Ms. Rivera if you need it opened again."


def day_words(day: date, *, today: date) -> str:
    """A date as home says it: "12 March", with the year only when it is not this one."""
    shown = f"{day.day} {day:%B}"
    return shown if day.year == today.year else f"{shown} {day.year}"


def _lastday_words(moment: datetime, zone: tzinfo | None) -> tuple[date, str]:
    """The last open day in local time, and the closing time when it is not midnight."""
    local = moment.astimezone(zone)
    if local.time() == time():
        return local.date() - timedelta(days=1), ""
    return local.date(), f"{local:%H:%M}"


def close_words(closes_at: datetime, *, now: datetime, zone: tzinfo | None = None) -> CloseDate:
    """When an open grant closes, in words: the date, and how soon within a week."""
    today = now.astimezone(zone).date()
    last, at = _lastday_words(closes_at, zone)
    days = (last - today).days
    if days <= 0:
        when = f"at {at}" if at else "at the end of today"
        return CloseDate(f"Assessment closes today, {when}", True)
    until = f"Assessment open until {day_words(last, today=today)}" + (f", {at}" if at else "")
    if days == 1:
        return CloseDate(f"{until} · closes tomorrow", True)
    if days <= SOON_DAYS:
        return CloseDate(f"{until} · closes in {days} days", days <= URGENT_DAYS)
    return CloseDate(until, False)


def closed_words(
    closed_at: datetime, *, teacher: str, now: datetime, zone: tzinfo | None = None
) -> str:
    """A closed grant, in words: when it closed and whom to ask to open it again."""
    today = now.astimezone(zone).date()
    last, at = _lastday_words(closed_at, zone)
    day = day_words(last, today=today)
    when = f"Closed on {day} at {at}" if at else f"Closed at the end of {day}"
    return f"{when}. Ask {teacher or 'your teacher'} if you need it opened again."


def recently_closed(closed_at: datetime, *, now: datetime) -> bool:
    return now - closed_at <= timedelta(days=CLOSED_SHOWN_DAYS)
