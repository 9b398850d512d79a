"""A class's announcements and due dates: list, post, take down (mcdesk.server.announcements).

Every route takes ``ClassInReach``; the router runs ``check_csrf`` before each POST.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from mcdesk.server.announcements import (
    MAX_TEXT,
    AnnouncementRefused,
    announcements_of,
    parse_due,
    post_announcement,
    take_down,
)
from mcdesk.server.api.deps import SessionDep
from mcdesk.server.models import SchoolClass
from mcdesk.server.web.deps import ClassInReach, CurrentTeacher, FormDep, NowDep, check_csrf
from mcdesk.server.web.pages import PREFIX, redirect, render
from mcdesk.server.web.reads import read_by

router = APIRouter(prefix=PREFIX, tags=["teacher"], dependencies=[Depends(check_csrf)])


def _page(
    request: Request, session: SessionDep, school_class: SchoolClass, *, problem: str = "",
    note: str = "", typed: str = "", due: str = "", status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    found = announcements_of(session, school_class=school_class)
    reads = read_by(session, school_class=school_class, announcement_ids=[a.id for a in found])
    return render(
        request, "announcements.html", status_code=status_code,
        title=f"Announcements · {school_class.name}", school_class=school_class,
        announcements=found, reads=reads, problem=problem, note=note, typed=typed, due=due,
        max_text=MAX_TEXT,
    )  # fmt: skip


@router.get("/classes/{class_id}/announcements", response_class=HTMLResponse)
def announcements_page(
    request: Request, session: SessionDep, school_class: ClassInReach, posted: bool = False
) -> HTMLResponse:
    note = "Posted. Learners see it on their station's home screen after its next sync."
    return _page(request, session, school_class, note=note if posted else "")


@router.post("/classes/{class_id}/announcements", response_class=HTMLResponse, response_model=None)
def announce(
    request: Request, session: SessionDep, school_class: ClassInReach, viewer: CurrentTeacher,
    form: FormDep, now: NowDep,
) -> HTMLResponse | RedirectResponse:  # fmt: skip
    typed, due = form.get("text", ""), form.get("due_on", "")
    try:
        post_announcement(
            session, school_class=school_class, text=typed, due_on=parse_due(due),
            posted_by=viewer.display_name, now=now,
        )  # fmt: skip
    except AnnouncementRefused as exc:
        return _page(
            request, session, school_class, problem=exc.reason, typed=typed[: 2 * MAX_TEXT],
            due=due[:20], status_code=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip
    session.commit()
    return redirect(f"{PREFIX}/classes/{school_class.id}/announcements?posted=true")


@router.post("/classes/{class_id}/announcements/{announcement_id}/remove", response_model=None)
def remove(
    session: SessionDep, school_class: ClassInReach, announcement_id: str, now: NowDep
) -> RedirectResponse:
    if take_down(session, school_class=school_class, announcement_id=announcement_id, now=now):
        session.commit()
    return redirect(f"{PREFIX}/classes/{school_class.id}/announcements")
