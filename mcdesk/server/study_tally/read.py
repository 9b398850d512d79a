"""Reading the study tally: each learner's skills for one micro-credential, over stations.

A learner who studies on several stations has a row per station: their active seconds
add up (each station counts its own time), the newest self-check run wins, and the
rest combine as in ``fold``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mcdesk.content.skill_states import MASTERY, SkillStage, SkillState, is_studied
from mcdesk.server.models import Station
from mcdesk.server.study_tally.fold import Run, newer_run
from mcdesk.server.study_tally.models import StudyTally

_TABLE = StudyTally.__table__  # type: ignore[attr-defined]
_COLUMNS = [
    _TABLE.c[name]
    for name in ("learner_id", "skill_id", "opened", "marked", "seconds", "run_id",
                 "run_credit", "run_total", "links", "last_ms", "reviewed_ms")
]  # fmt: skip


@dataclass(slots=True)
class SkillTotal:
    opened: bool = False
    marked: bool = False
    seconds: int = 0
    run: Run | None = None
    links: int = 0
    last_ms: int | None = None
    reviewed_ms: int | None = None

    def add(self, row: Row[Any]) -> None:
        """Add one station's row (the columns of ``_COLUMNS``)."""
        _, _, opened, marked, seconds, run_id, credit, total, links, last_ms, reviewed = tuple(row)
        self.opened = self.opened or bool(opened)
        self.marked = self.marked or bool(marked)
        self.seconds += seconds
        if run_id is not None and credit is not None and total is not None:
            self.run = newer_run(self.run, (run_id, credit, total))
        self.links += links
        if last_ms is not None:
            self.last_ms = last_ms if self.last_ms is None else max(self.last_ms, last_ms)
        if reviewed is not None:
            self.reviewed_ms = (
                reviewed if self.reviewed_ms is None else max(self.reviewed_ms, reviewed)
            )

    def state(self, skill_id: str) -> SkillState:
        """The skill as the learner's own pack page says it (mcdesk.content.skill_states)."""
        score = None if self.run is None else (self.run[1], self.run[2])
        studied = is_studied(marked=self.marked, selfcheck_done=score is not None)
        mastered = score is not None and score[0] >= MASTERY * score[1]
        stage: SkillStage = "mastered" if mastered else "studied" if studied else "in_progress"
        return SkillState(skill_id, stage, self.seconds, studied, score)


def skill_totals(
    session: Session, *, school_id: str, pack_id: str, learner_ids: Collection[str]
) -> dict[tuple[str, str], SkillTotal]:
    """(learner id, skill id) → the total over the school's stations, for one pack."""
    if not learner_ids:
        return {}
    stations = select(Station.id).where(col(Station.school_id) == school_id)
    # Plain rows, not ORM objects: building 200 instances cost more than the query.
    rows = session.execute(
        sa_select(*_COLUMNS).where(
            _TABLE.c.pack_id == pack_id,
            _TABLE.c.learner_id.in_(list(learner_ids)),
            _TABLE.c.station_id.in_(stations),
        )
    )
    totals: dict[tuple[str, str], SkillTotal] = {}
    for row in rows:
        totals.setdefault((row[0], row[1]), SkillTotal()).add(row)
    return totals
