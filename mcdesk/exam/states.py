"""The states of an attempt, the edges between them, and the errors the engine raises.

::

    ready ─unlock(start)─▶ unlocked ─start()─▶ running ─submit()──────────▶ submitted ─▶ scored
                                               │    ▲ └─tick(), time is up─▶ expired ───▶ scored
                          pause() or leave()   │    │  unlock(resume),
                          or a crash + load()  ▼    │  then resume()
                                               paused

``submitted`` and ``expired`` are passed through in the same transaction that scores
the attempt, so a stored attempt that has ended is always ``scored``; the event log
keeps the ``submitted`` or ``expired`` event that says how it ended.
"""

from __future__ import annotations

from typing import Literal

from mcdesk.errors import McdeskError

AttemptState = Literal["ready", "unlocked", "running", "paused", "submitted", "expired", "scored"]
STATES: tuple[AttemptState, ...] = (
    "ready",
    "unlocked",
    "running",
    "paused",
    "submitted",
    "expired",
    "scored",
)
EDGES: frozenset[tuple[AttemptState, AttemptState]] = frozenset(
    {
        ("ready", "unlocked"),
        ("unlocked", "running"),
        ("running", "paused"),
        ("paused", "running"),
        ("running", "submitted"),
        ("running", "expired"),
        ("submitted", "scored"),
        ("expired", "scored"),
    }
)
ACTIVE: frozenset[AttemptState] = frozenset({"unlocked", "running", "paused"})
ENDED: frozenset[AttemptState] = frozenset({"submitted", "expired", "scored"})

# What a teacher's code may authorise, and in which states (start is the ready → unlocked edge).
CodeAction = Literal["start", "resume", "extend", "pause", "leave"]
ACTION_STATES: dict[CodeAction, frozenset[AttemptState]] = {
    "start": frozenset({"ready"}),
    "resume": frozenset({"paused"}),
    "extend": frozenset({"running", "paused"}),
    "pause": frozenset({"running"}),
    "leave": frozenset({"running", "paused"}),
}


class ExamError(McdeskError):
    """An assessment operation that cannot be done, with the reason."""


class NotGrantedError(ExamError):
    """The learner was never granted the micro-credential (or the grant is not open now)."""


class ExamStateError(ExamError):
    """The operation is not allowed in the attempt's current state."""


class CodeRequiredError(ExamStateError):
    """The operation needs a teacher's unlock code for exactly that action first."""


class TimeUpError(ExamStateError):
    """Time ran out before the operation; the attempt has expired and was scored."""


def check_edge(before: AttemptState, after: AttemptState) -> None:
    """Raise ExamStateError unless ``before → after`` is an edge of the diagram."""
    if (before, after) not in EDGES:
        raise ExamStateError(f"an attempt cannot go from {before} to {after}")
