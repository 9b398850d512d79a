"""Who may see what in the Teacher Resource Center: one rule, used by every page.

A teacher sees the classes they teach; a school administrator sees every class of their
school; nobody sees another school. Pages never query classes themselves: they take a
``Viewer`` and go through ``visible_classes`` or ``can_see_class`` (or the ``ClassInReach``
dependency, which refuses before the route runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mcdesk.errors import McdeskError
from mcdesk.server.models import SchoolClass
from mcdesk.server.roles import ADMIN_ROLE


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in teacher behind a request, and the session that proves it."""

    teacher_id: str
    school_id: str
    username: str
    display_name: str
    role: str
    session_id: str  # binds the CSRF token of every form on the page

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE


class SignInNeeded(McdeskError):
    """No live session: the page sends the browser to the sign-in form."""


class NotAllowed(McdeskError):
    """Signed in, but this is not theirs to see or do: answered 403 in these words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def can_see_class(viewer: Viewer, school_class: SchoolClass) -> bool:
    """The rule: their own class, or (an administrator) any class of their school."""
    if school_class.school_id != viewer.school_id:
        return False
    return viewer.is_admin or school_class.teacher_id == viewer.teacher_id


def visible_classes(session: Session, *, viewer: Viewer) -> list[SchoolClass]:
    """The classes this viewer may see, by name."""
    query = select(SchoolClass).where(col(SchoolClass.school_id) == viewer.school_id)
    if not viewer.is_admin:
        query = query.where(col(SchoolClass.teacher_id) == viewer.teacher_id)
    return list(session.exec(query.order_by(col(SchoolClass.name))).all())


def class_for(session: Session, *, viewer: Viewer, class_id: str) -> SchoolClass:
    """The class, or NotAllowed; an unknown id gets the same words (no probing for ids)."""
    school_class = session.get(SchoolClass, class_id)
    if school_class is None or not can_see_class(viewer, school_class):
        raise NotAllowed("That class is not one of yours, or it does not exist.")
    return school_class
