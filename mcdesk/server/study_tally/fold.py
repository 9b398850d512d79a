"""Folding study events into tallies: what one event adds, and how two tallies combine.

Every part combines in any order (or, max, the newest self-check run, a sum), so a
tally folded event by event as pushes arrive equals one folded from every stored event,
whatever order concurrent pushes commit in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mcdesk.protocol.review import REVIEW_KINDS
from mcdesk.protocol.streams import EventKind
from mcdesk.server.storable import MAX_INT, storable_text

STUDY_KINDS = frozenset(
    {
        EventKind.SKILL_OPENED,
        EventKind.ACTIVE_TIME,
        EventKind.SKILL_STUDIED,
        EventKind.SELFCHECK_RESULT,
        EventKind.LINK_OPENED,
    }
)

TallyKey = tuple[str, str, str]  # learner id, pack id, skill id
Run = tuple[str, float, int]  # self-check run id, credit, number of items


@dataclass(frozen=True, slots=True)
class Tally:
    opened: bool = False
    marked: bool = False
    seconds: int = 0
    run: Run | None = None
    links: int = 0
    last_ms: int | None = None  # the newest study event of any kind: last activity
    reviewed_ms: int | None = None  # the newest of REVIEW_KINDS: "studied since" an attempt


def event_ms(event_id: str) -> int | None:
    """When the station wrote an event: its UUIDv7 id carries the station's milliseconds."""
    digits = event_id.replace("-", "")[:12]
    try:
        return int(digits, 16) if len(digits) == 12 else None
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return storable_text(value)
    except ValueError:
        return None


def learner_of(document: dict[str, Any]) -> str | None:
    """The learner an event names, when it names one the server can store."""
    return _text(document.get("learner_id"))


def key_of(document: dict[str, Any]) -> TallyKey | None:
    """(learner, pack, skill) of a study event; None when one is missing or unstorable."""
    learner, pack, skill = (
        _text(document.get(name)) for name in ("learner_id", "pack_id", "skill_id")
    )
    if learner is None or pack is None or skill is None:
        return None
    return learner, pack, skill


def _run(document: dict[str, Any]) -> Run | None:
    run_id, credit, total = document.get("run_id"), document.get("credit"), document.get("total")
    if _text(run_id) is None or isinstance(credit, bool) or isinstance(total, bool):
        return None
    if not (isinstance(credit, int | float) and isinstance(total, int)):
        return None
    if not (0 <= total <= MAX_INT and abs(credit) <= MAX_INT):
        return None
    return str(run_id), float(credit), total


def event_tally(kind: str, document: dict[str, Any], *, event_id: str) -> Tally:
    """What one study event adds to its learner's tally for its skill."""
    part = _event_part(kind, document, at=event_ms(event_id))
    return replace(part, reviewed_ms=part.last_ms) if kind in REVIEW_KINDS else part


def _event_part(kind: str, document: dict[str, Any], *, at: int | None) -> Tally:
    if kind == EventKind.SKILL_OPENED:
        return Tally(opened=True, last_ms=at)
    if kind == EventKind.SKILL_STUDIED:
        return Tally(marked=True, last_ms=at)
    if kind == EventKind.ACTIVE_TIME:
        seconds = document.get("active_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_INT:
            seconds = 0  # a malformed total counts as the event's presence, not as time
        return Tally(seconds=seconds, last_ms=at)
    if kind == EventKind.SELFCHECK_RESULT:
        return Tally(run=_run(document), last_ms=at)
    if kind == EventKind.LINK_OPENED:
        return Tally(links=1, last_ms=at)
    return Tally()


def newer_run(a: Run | None, b: Run | None) -> Run | None:
    """The later of two runs by id; on a tie the one already held stays."""
    if a is None or (b is not None and b[0] > a[0]):
        return b
    return a


def _later(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def combine(a: Tally, b: Tally) -> Tally:
    """Two tallies of the same learner, skill and station as one."""
    return Tally(
        opened=a.opened or b.opened,
        marked=a.marked or b.marked,
        seconds=max(a.seconds, b.seconds),
        run=newer_run(a.run, b.run),
        links=a.links + b.links,
        last_ms=_later(a.last_ms, b.last_ms),
        reviewed_ms=_later(a.reviewed_ms, b.reviewed_ms),
    )
