"""The Teacher Resource Center's request dependencies, as ``Annotated`` aliases.

Every page route takes ``CurrentTeacher`` (or ``SchoolAdmin``, or ``ClassInReach`` for a
``{class_id}`` in its path); the web router runs ``check_csrf`` before every POST.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.models import SchoolClass, Teacher
from mcdesk.server.web.access import NotAllowed, SignInNeeded, Viewer, class_for
from mcdesk.server.web.csrf import CSRF_FIELD, SAFE_METHODS, csrf_ok, form_fields
from mcdesk.server.web.sessions import (
    BROWSER_COOKIE,
    SESSION_COOKIE,
    find_session,
    signed_value,
    web_key,
)

Clock = Callable[[], datetime]


def get_now(request: Request) -> datetime:
    """This request's time, from the app's clock (tests inject one)."""
    clock: Clock = request.app.state.clock
    return clock()


NowDep = Annotated[datetime, Depends(get_now)]


def get_web_key(request: Request, session: SessionDep, now: NowDep) -> bytes:
    """The cookie key, read from the database once per process."""
    key: bytes | None = getattr(request.app.state, "web_key", None)
    if key is None:
        key = web_key(session, now=now)
        request.app.state.web_key = key
    return key


WebKeyDep = Annotated[bytes, Depends(get_web_key)]


def viewer_of(session: Session, *, key: bytes, cookie: str | None, now: datetime) -> Viewer | None:
    """The teacher a session cookie names, while the session is live."""
    session_id = signed_value(key, purpose="session", cookie=cookie)
    if session_id is None:
        return None
    row = find_session(session, session_id=session_id, now=now)
    teacher = None if row is None else session.get(Teacher, row.teacher_id)
    if teacher is None:
        return None
    return Viewer(
        teacher_id=teacher.id,
        school_id=teacher.school_id,
        username=teacher.username,
        display_name=teacher.display_name,
        role=teacher.role,
        session_id=session_id,
    )


def get_optional_teacher(
    request: Request, session: SessionDep, key: WebKeyDep, now: NowDep
) -> Viewer | None:
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is None:
        cached = viewer_of(session, key=key, cookie=request.cookies.get(SESSION_COOKIE), now=now)
        request.state.viewer = cached
    return cached


OptionalTeacher = Annotated[Viewer | None, Depends(get_optional_teacher)]


def get_current_teacher(viewer: OptionalTeacher) -> Viewer:
    """The signed-in teacher; otherwise the browser goes to the sign-in form."""
    if viewer is None:
        raise SignInNeeded
    return viewer


CurrentTeacher = Annotated[Viewer, Depends(get_current_teacher)]


def get_school_admin(viewer: CurrentTeacher) -> Viewer:
    """The signed-in school administrator; a teacher is refused in words."""
    if not viewer.is_admin:
        raise NotAllowed("Only a school administrator can open this page.")
    return viewer


SchoolAdmin = Annotated[Viewer, Depends(get_school_admin)]


def get_class_in_reach(class_id: str, viewer: CurrentTeacher, session: SessionDep) -> SchoolClass:
    """The ``{class_id}`` of the path, if this viewer may see it; 403 in words otherwise."""
    return class_for(session, viewer=viewer, class_id=class_id)


ClassInReach = Annotated[SchoolClass, Depends(get_class_in_reach)]


def browser_binding(request: Request, key: bytes) -> str | None:
    """The random value of this browser's signed cookie, if it has one."""
    return signed_value(key, purpose="browser", cookie=request.cookies.get(BROWSER_COOKIE))


async def check_csrf(request: Request, key: WebKeyDep, viewer: OptionalTeacher) -> None:
    """Every state-changing request must carry the token of this browser or session."""
    if request.method in SAFE_METHODS:
        return
    fields = await form_fields(request)
    bindings = [b for b in (browser_binding(request, key), viewer and viewer.session_id) if b]
    if not csrf_ok(key, bindings=bindings, given=fields.get(CSRF_FIELD, "")):
        raise NotAllowed(
            "This form has expired or did not come from this site. "
            "Go back, reload the page and try again."
        )


# Web routes read their fields here: check_csrf has already read the body from the stream.
FormDep = Annotated[dict[str, str], Depends(form_fields)]
