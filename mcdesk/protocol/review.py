"""What counts as reviewing a skill after a failed attempt: the retake rule's "studied since".

A skill below the cut in a failed attempt must be reviewed before a retake: the learner
opens its lesson again, or finishes its self-check, after the attempt ended. Only those
two kinds of event count. Time on content, reaching the end of the lesson and opening an
outside link do not: a lesson left open across the attempt's end keeps sending them
without the learner having come back to it. The station reads the moments of these
events from its store (mcdesk.exam.retake), the server folds them from the same events as
they arrive (mcdesk.server.study_tally); both decide with ``reviewed_since``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mcdesk.protocol.streams import EventKind

REVIEW_KINDS: frozenset[EventKind] = frozenset({EventKind.SKILL_OPENED, EventKind.SELFCHECK_RESULT})


def reviewed_since(moments: Iterable[datetime | None], *, ended: datetime) -> bool:
    """Whether one of the skill's review moments comes after the attempt ended."""
    return any(moment is not None and moment > ended for moment in moments)
