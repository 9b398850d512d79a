"""One learner of a class: time multiplier, PIN reset, lockout, extra attempt or waived review.

Every route takes ``ClassInReach`` and then finds the learner within that class; the
router runs ``check_csrf`` before each POST. Each change goes through the core function
the admin command line calls (accommodations, roster, allowances), which records it in
its pull stream in the same transaction. A new PIN is shown once: it rides the redirect
in a signed cookie bound to this session, read and cleared by the page that shows it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from mcdesk.protocol.allowances import MAX_REASON, AllowanceKind
from mcdesk.server.accommodations import check_multiplier, clear_accommodation, set_accommodation
from mcdesk.server.allowances import allow, allowances_of, new_form_id
from mcdesk.server.api.deps import SessionDep
from mcdesk.server.models import Accommodation, Learner, SchoolClass, Teacher
from mcdesk.server.roster import RosterError, reset_pin
from mcdesk.server.schools import AdminError
from mcdesk.server.web.deps import (
    ClassInReach,
    CurrentTeacher,
    FormDep,
    NowDep,
    WebKeyDep,
    check_csrf,
)
from mcdesk.server.web.manage import learner_in, published_packs
from mcdesk.server.web.pages import PREFIX, clear_cookie, redirect, render, set_short_cookie
from mcdesk.server.web.sessions import sign_value, signed_value

router = APIRouter(prefix=PREFIX, tags=["teacher"], dependencies=[Depends(check_csrf)])
PIN_COOKIE = "mcdesk_pin_once"
PIN_SHOWN_FOR = 120  # seconds the redirect has to show the new PIN
NOTES = {
    "time": "Saved. Stations use it from the learner's next attempt after their next sync.",
    "allowed": "Allowed. Stations apply it after their next sync.",
    "unlocked": "Cleared. Stations let the learner sign in again after their next sync.",
}


def _path(school_class: SchoolClass, learner: Learner) -> str:
    return f"{PREFIX}/classes/{school_class.id}/learners/{learner.id}"


def _pin_purpose(session_id: str) -> str:
    return f"pin-once|{session_id}"  # bound to this session: no other browser can show it


def _page(
    request: Request, session: SessionDep, school_class: SchoolClass, learner: Learner, *,
    problem: str = "", note: str = "", new_pin: str = "", status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    accommodation = session.get(Accommodation, learner.id)
    multiplier = None if accommodation is None else accommodation.time_multiplier
    return render(
        request, "learner.html", status_code=status_code,
        title=f"{learner.display_name} · {school_class.name}", school_class=school_class,
        learner=learner, multiplier=multiplier,
        packs=published_packs(session), history=allowances_of(session, learner_id=learner.id),
        kinds=AllowanceKind, form_id=new_form_id(), max_reason=MAX_REASON, problem=problem,
        note=note, new_pin=new_pin,
    )  # fmt: skip


@router.get("/classes/{class_id}/learners/{learner_id}", response_class=HTMLResponse)
def learner_page(
    request: Request, session: SessionDep, school_class: ClassInReach, learner_id: str,
    viewer: CurrentTeacher, key: WebKeyDep, done: str = "",
) -> HTMLResponse:  # fmt: skip
    learner = learner_in(session, school_class=school_class, learner_id=learner_id)
    shown = signed_value(
        key, purpose=_pin_purpose(viewer.session_id), cookie=request.cookies.get(PIN_COOKIE)
    )
    owner, _, pin = (shown or "").partition(":")
    page = _page(
        request, session, school_class, learner, note=NOTES.get(done, ""),
        new_pin=pin if owner == learner.id else "",
    )  # fmt: skip
    if shown is not None:
        clear_cookie(page, request=request, name=PIN_COOKIE)  # once only
    return page


@router.post(
    "/classes/{class_id}/learners/{learner_id}/accommodation",
    response_class=HTMLResponse, response_model=None,
)  # fmt: skip
def accommodate(
    request: Request, session: SessionDep, school_class: ClassInReach, learner_id: str,
    form: FormDep, now: NowDep,
) -> HTMLResponse | RedirectResponse:  # fmt: skip
    learner = learner_in(session, school_class=school_class, learner_id=learner_id)
    typed = form.get("multiplier", "").strip()
    try:
        if form.get("clear"):
            clear_accommodation(session, learner_id=learner.id, now=now)
        else:
            try:
                multiplier = float(typed[:20])
            except ValueError:
                raise AdminError(
                    f"Type the time multiplier as a number, like 1.5, not {typed[:20]!r}."
                ) from None
            set_accommodation(
                session, learner_id=learner.id, multiplier=check_multiplier(multiplier), now=now
            )
    except AdminError as exc:
        session.rollback()
        reason = str(exc).rstrip(".")  # the core's words, said as a sentence
        return _page(
            request, session, school_class, learner,
            problem=f"{reason[0].upper()}{reason[1:]}. Nothing was changed.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip
    return redirect(f"{_path(school_class, learner)}?done=time")


@router.post(
    "/classes/{class_id}/learners/{learner_id}/pin",
    response_class=HTMLResponse, response_model=None,
)  # fmt: skip
def new_pin(
    request: Request, session: SessionDep, school_class: ClassInReach, learner_id: str,
    form: FormDep, now: NowDep, viewer: CurrentTeacher, key: WebKeyDep,
) -> HTMLResponse | RedirectResponse:  # fmt: skip
    learner = learner_in(session, school_class=school_class, learner_id=learner_id)
    try:
        pin = reset_pin(
            session, learner=learner, school_id=school_class.school_id,
            pin=form.get("pin", "")[:20], now=now,
        )  # fmt: skip
    except RosterError as exc:
        session.rollback()
        return _page(
            request, session, school_class, learner,
            problem=f"{exc}. The PIN was not changed.", status_code=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip
    response = redirect(_path(school_class, learner))
    value = sign_value(key, purpose=_pin_purpose(viewer.session_id), value=f"{learner.id}:{pin}")
    set_short_cookie(response, request=request, name=PIN_COOKIE, value=value, max_age=PIN_SHOWN_FOR)
    return response


@router.post(
    "/classes/{class_id}/learners/{learner_id}/allowances",
    response_class=HTMLResponse, response_model=None,
)  # fmt: skip
def add_allowance(
    request: Request, session: SessionDep, school_class: ClassInReach, learner_id: str,
    form: FormDep, now: NowDep, viewer: CurrentTeacher,
) -> HTMLResponse | RedirectResponse:  # fmt: skip
    learner = learner_in(session, school_class=school_class, learner_id=learner_id)
    kind = form.get("kind", "")
    teacher = session.get(Teacher, viewer.teacher_id)
    assert teacher is not None  # the session names a live teacher
    try:
        allow(
            session, learner=learner, school_id=school_class.school_id, kind=kind,
            pack_id=form.get("pack_id", ""), reason=form.get("reason", "")[: 4 * MAX_REASON],
            teacher=teacher,
            form_id=form.get("form_id", ""), now=now,
        )  # fmt: skip
    except AdminError as exc:
        session.rollback()
        return _page(
            request, session, school_class, learner, problem=f"{exc} Nothing was changed.",
            status_code=status.HTTP_400_BAD_REQUEST,
        )  # fmt: skip
    done = "unlocked" if kind == AllowanceKind.CLEAR_LOCKOUT else "allowed"
    return redirect(f"{_path(school_class, learner)}?done={done}")
