"""The printable class report: each learner's best result in each assessment of the class.

Scores are the server's re-scores where it has them (mcdesk.server.web.results). Call only
for a class the viewer may see (``ClassInReach``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mcdesk.server.models import Learner, School, SchoolClass, Teacher
from mcdesk.server.web.results import ResultLine, assessments_of, results_of


@dataclass(frozen=True, slots=True)
class ReportCell:
    attempts: int
    best: ResultLine | None  # the best attempt that counts


@dataclass(frozen=True, slots=True)
class ClassReport:
    school: str
    class_name: str
    teacher: str
    made_at: datetime
    assessments: list[tuple[str, str]]  # (pack id, title)
    rows: list[tuple[str, list[ReportCell]]]  # learner name, a cell per assessment


def best_attempt(lines: list[ResultLine]) -> ResultLine | None:
    """The highest counted score; on a tie, the earliest."""
    counted = [line for line in lines if line.counts]
    return max(counted, key=lambda line: (line.ratio, -line.received_at.timestamp()), default=None)


def class_report(session: Session, *, school_class: SchoolClass, now: datetime) -> ClassReport:
    school = session.get(School, school_class.school_id)
    teacher = (
        None if school_class.teacher_id is None else session.get(Teacher, school_class.teacher_id)
    )
    learners = session.exec(
        select(Learner.id, Learner.display_name)
        .where(col(Learner.class_id) == school_class.id)
        .order_by(col(Learner.display_name), col(Learner.id))
    ).all()
    packs = [(a.pack_id, a.title) for a in assessments_of(session, school_class=school_class)]
    by_pack = {
        pack_id: results_of(session, school_class=school_class, pack_id=pack_id, items=False)
        for pack_id, _ in packs
    }
    rows = []
    for learner_id, name in learners:
        cells = []
        for pack_id, _ in packs:
            mine = [line for line in by_pack[pack_id].lines if line.learner_id == learner_id]
            cells.append(ReportCell(attempts=len(mine), best=best_attempt(mine)))
        rows.append((name, cells))
    return ClassReport(
        school="" if school is None else school.name,
        class_name=school_class.name,
        teacher="" if teacher is None else teacher.display_name,
        made_at=now,
        assessments=packs,
        rows=rows,
    )
