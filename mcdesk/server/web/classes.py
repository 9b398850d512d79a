"""Reads for the "My classes" pages: a viewer's classes with their teachers and learners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mcdesk.server.models import Learner, SchoolClass, Teacher
from mcdesk.server.web.access import Viewer, visible_classes


@dataclass(frozen=True, slots=True)
class ClassRoster:
    """A class as its page shows it: names as stored (the templates escape them)."""

    id: str
    name: str
    teacher: str
    learners: list[str]


def roster_of(session: Session, *, school_class: SchoolClass) -> ClassRoster:
    """One class with its learners by name (call only for a class the viewer may see)."""
    teacher = (
        None if school_class.teacher_id is None else session.get(Teacher, school_class.teacher_id)
    )
    learners = session.exec(
        select(Learner.display_name)
        .where(col(Learner.class_id) == school_class.id)
        .order_by(col(Learner.display_name))
    ).all()
    return ClassRoster(
        id=school_class.id,
        name=school_class.name,
        teacher="" if teacher is None else teacher.display_name,
        learners=list(learners),
    )


def rosters_for(session: Session, *, viewer: Viewer) -> list[ClassRoster]:
    """Every class this viewer may see, with its learners."""
    return [roster_of(session, school_class=c) for c in visible_classes(session, viewer=viewer)]
