"""Where a learner stands on each skill: plain data and raw-sqlite reads, no ORM.

Kept apart from ``progress`` (the writes) so that the screens that show progress can
import these types without loading SQLAlchemy before the first paint.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

MASTERY = 0.8  # share of self-check credit on the latest run
SkillStage = Literal["not_started", "in_progress", "studied", "mastered"]
STAGE_LABELS: dict[SkillStage, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "studied": "Studied",
    "mastered": "Self-check mastered",
}
# A shape as well as a word: the state never rests on colour alone. One set for every screen.
STAGE_SYMBOLS: dict[SkillStage, str] = {
    "not_started": "○",
    "in_progress": "◐",
    "studied": "●",
    "mastered": "✔",
}


def is_studied(*, marked: bool, selfcheck_done: bool) -> bool:
    """What "studied" means on every screen: finished reading (the button or the lesson's
    end), or a self-check run finished on the skill (it is studied once it was checked)."""
    return marked or selfcheck_done


def score_text(credit: float, items: int) -> str:
    """A self-check score on every screen: "4 of 5", partial credit as given ("5.75 of 8")."""
    # Credit is stored in hundredths: two decimals say it exactly, and the same everywhere.
    return f"{round(credit, 2):g} of {items}"


def stage_text(stage: SkillStage) -> str:
    """The stage as symbol plus words, e.g. "◐ In progress"."""
    return f"{STAGE_SYMBOLS[stage]} {STAGE_LABELS[stage]}"


@dataclass(frozen=True, slots=True)
class SkillState:
    skill_id: str
    stage: SkillStage
    active_seconds: int
    studied: bool
    last_score: tuple[float, int] | None  # (credit, items) of the latest self-check run

    @property
    def mastered(self) -> bool:
        return self.last_score is not None and self.last_score[0] >= MASTERY * self.last_score[1]


@dataclass(frozen=True, slots=True)
class Readiness:
    skills: int
    studied: int
    mastered: int
    weak: tuple[str, ...]  # skill ids not yet mastered

    @property
    def ready(self) -> bool:
        return self.studied == self.skills and self.mastered == self.skills


def skill_states(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str
) -> dict[str, SkillState]:
    """Progress of every skill the learner touched in this micro-credential."""
    latest: dict[str, tuple[float, int]] = {}
    for skill_id, correct, total in connection.execute(
        "SELECT skill_id, correct, total FROM selfcheck_run WHERE learner_id = ? AND pack_id = ? "
        "ORDER BY finished_at, id",
        (learner_id, pack_id),
    ):
        latest[skill_id] = (correct / 100, total)
    states: dict[str, SkillState] = {}
    rows = connection.execute(
        "SELECT skill_id, studied_at, active_seconds FROM skill_progress "
        "WHERE learner_id = ? AND pack_id = ?",
        (learner_id, pack_id),
    ).fetchall()
    touched = {row[0]: row for row in rows}
    for skill_id in set(touched) | set(latest):
        _, studied_at, seconds = touched.get(skill_id, (skill_id, None, 0))
        score = latest.get(skill_id)
        studied = is_studied(marked=studied_at is not None, selfcheck_done=score is not None)
        mastered = score is not None and score[0] >= MASTERY * score[1]
        stage: SkillStage = "mastered" if mastered else "studied" if studied else "in_progress"
        states[skill_id] = SkillState(skill_id, stage, int(seconds), studied, score)
    return states


def state_of(states: Mapping[str, SkillState], skill_id: str) -> SkillState:
    return states.get(skill_id) or SkillState(skill_id, "not_started", 0, False, None)


def readiness(skill_ids: list[str], states: Mapping[str, SkillState]) -> Readiness:
    """What the learner has shown so far, for the Ready-for-assessment summary."""
    of = [state_of(states, skill_id) for skill_id in skill_ids]
    return Readiness(
        skills=len(of),
        studied=sum(1 for s in of if s.studied),
        mastered=sum(1 for s in of if s.mastered),
        weak=tuple(s.skill_id for s in of if not s.mastered),
    )


def last_opened(connection: sqlite3.Connection, *, learner_id: str) -> tuple[str, str] | None:
    """(pack id, skill id) the learner had open last: "continue where you left off"."""
    row = connection.execute(
        "SELECT pack_id, skill_id FROM skill_progress WHERE learner_id = ? "
        "ORDER BY last_opened_at DESC LIMIT 1",
        (learner_id,),
    ).fetchone()
    return None if row is None else (row[0], row[1])
