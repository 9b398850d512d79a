"""A class's Manage page: micro-credentials granted with open and close dates, and its learners.

Every route takes ``ClassInReach``; the router runs ``check_csrf`` before each POST. A
change goes through the core function the admin command line calls
(mcdesk.server.grants), which records it in its pull stream in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.grants import ALL_PACKS, FIELD_NAMES, add_grant, parse_when, revoke_grant
from mcdesk.server.models import SchoolClass
from mcdesk.server.schools import AdminError
from mcdesk.server.web.access import NotAllowed
from mcdesk.server.web.deps import ClassInReach, FormDep, NowDep, check_csrf
from mcdesk.server.web.manage import (
    ClassGrant,
    grant_in,
    grants_of,
    learner_in,
    learners_of,
    published_packs,
)
from mcdesk.server.web.pages import PREFIX, redirect, render

router = APIRouter(prefix=PREFIX, tags=["teacher"], dependencies=[Depends(check_csrf)])
WHOLE_CLASS = ""  # the "to" field's value for the whole class
NOTES = {
    "granted": "Granted. Stations open it after their next sync.",
    "revoked": "Revoked. Stations close it after their next sync.",
}


def day_words(when: datetime | None, *, closing: bool) -> str:
    """A grant date as the teacher typed it, in this server's time zone."""
    if when is None:
        return "—"
    local = when.astimezone()
    if local.hour == local.minute == local.second == 0:
        # A typed day: it opens at the start and closes at the end of that day.
        day = (local - timedelta(days=1)).date() if closing else local.date()
        return f"{day.isoformat()}{' (end of day)' if closing else ''}"
    return local.strftime("%Y-%m-%d %H:%M")


def _page(
    request: Request, session: SessionDep, school_class: SchoolClass, *, problem: str = "",
    note: str = "", typed: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    grants: list[ClassGrant] = grants_of(session, school_class=school_class)
    return render(
        request, "manage.html", status_code=status_code, title=f"Manage · {school_class.name}",
        school_class=school_class, grants=grants, learners=learners_of(
            session, school_class=school_class), packs=published_packs(session),
        all_packs=ALL_PACKS, problem=problem, note=note, typed=typed or {}, day_words=day_words,
    )  # fmt: skip


@router.get("/classes/{class_id}/manage", response_class=HTMLResponse)
def manage_page(
    request: Request, session: SessionDep, school_class: ClassInReach, done: str = ""
) -> HTMLResponse:
    return _page(request, session, school_class, note=NOTES.get(done, ""))


@router.post("/classes/{class_id}/grants", response_class=HTMLResponse, response_model=None)
def grant(
    request: Request, session: SessionDep, school_class: ClassInReach, form: FormDep, now: NowDep
) -> HTMLResponse | RedirectResponse:
    typed = {name: form.get(name, "")[:100] for name in ("pack_id", "to", "opens", "closes")}
    try:
        pack_id = typed["pack_id"].strip()
        if pack_id != ALL_PACKS and pack_id not in {p.id for p in published_packs(session)}:
            raise AdminError("Choose a micro-credential published on this server.")
        learner_id = None
        if typed["to"].strip() != WHOLE_CLASS:
            try:
                learner_id = learner_in(
                    session, school_class=school_class, learner_id=typed["to"]
                ).id
            except NotAllowed as exc:
                raise AdminError(exc.reason) from None
        opens, closes = FIELD_NAMES
        add_grant(
            session, school_id=school_class.school_id, pack_id=pack_id,
            class_id=None if learner_id else school_class.id, learner_id=learner_id,
            opens_at=parse_when(typed["opens"], option=opens, end_of_day=False)
            if typed["opens"].strip() else None,
            closes_at=parse_when(typed["closes"], option=closes, end_of_day=True)
            if typed["closes"].strip() else None,
            now=now, names=FIELD_NAMES,
        )  # fmt: skip
    except AdminError as exc:
        session.rollback()
        return _page(
            request, session, school_class, problem=f"{exc} Nothing was granted.", typed=typed,
            status_code=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip
    return redirect(f"{PREFIX}/classes/{school_class.id}/manage?done=granted")


@router.post("/classes/{class_id}/grants/{grant_id}/revoke", response_model=None)
def revoke(
    session: SessionDep, school_class: ClassInReach, grant_id: str, now: NowDep
) -> RedirectResponse:
    revoke_grant(
        session,
        grant_id=grant_in(session, school_class=school_class, grant_id=grant_id).id,
        now=now,
    )
    return redirect(f"{PREFIX}/classes/{school_class.id}/manage?done=revoked")
