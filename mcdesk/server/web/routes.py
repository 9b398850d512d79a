"""The Teacher Resource Center's pages: sign-in, sign-out, Codes, My classes.

Every route here runs ``check_csrf`` first (the router's dependency); every route that is
not in ``PUBLIC_ROUTES`` takes ``CurrentTeacher``, ``SchoolAdmin`` or ``ClassInReach``
(tests/server/web/test_authorization.py walks them all).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.web.classes import roster_of, rosters_for
from mcdesk.server.web.codes import codes_for
from mcdesk.server.web.deps import (
    ClassInReach,
    CurrentTeacher,
    FormDep,
    NowDep,
    OptionalTeacher,
    check_csrf,
)
from mcdesk.server.web.pages import (
    PREFIX,
    VERIFY_PREFIX,
    clear_session_cookie,
    redirect,
    render,
    set_session_cookie,
)
from mcdesk.server.web.sessions import end_session, start_session
from mcdesk.server.web.signin import SignInRefused, sign_in

router = APIRouter(prefix=PREFIX, tags=["teacher"], dependencies=[Depends(check_csrf)])

# The only routes a signed-out browser may use; everything else needs a session.
PUBLIC_ROUTES = frozenset(
    {
        ("GET", PREFIX),
        ("POST", PREFIX),
        # The public badge check (verify_routes.py): anonymous and side-effect free.
        ("GET", VERIFY_PREFIX),
        ("POST", VERIFY_PREFIX),
        ("GET", f"{VERIFY_PREFIX}/{{credential_uuid}}"),
    }
)
HOME = f"{PREFIX}/board"  # the live board: the first page after sign-in


@router.get("", response_class=HTMLResponse, response_model=None)
def sign_in_form(
    request: Request, viewer: OptionalTeacher, signed_out: bool = False
) -> HTMLResponse | RedirectResponse:
    if viewer is not None:
        return redirect(HOME)
    note = "You are signed out." if signed_out else ""
    return render(request, "signin.html", title="Sign in", problem="", note=note)


@router.post("", response_class=HTMLResponse, response_model=None)
def sign_in_post(
    request: Request, session: SessionDep, form: FormDep, now: NowDep, viewer: OptionalTeacher
) -> HTMLResponse | RedirectResponse:
    try:
        teacher = sign_in(
            session, username=form.get("username", ""), password=form.get("password", ""), now=now
        )
    except SignInRefused as exc:
        session.commit()  # the wrong try counts
        code = status.HTTP_429_TOO_MANY_REQUESTS if exc.wait else status.HTTP_401_UNAUTHORIZED
        return render(
            request, "signin.html", status_code=code, title="Sign in", problem=exc.reason, note=""
        )
    if viewer is not None:
        end_session(session, session_id=viewer.session_id)  # one browser, one session
    # Always a new id: a session id the browser brought (fixation) is never adopted.
    session_id = start_session(session, teacher_id=teacher.id, now=now)
    response = redirect(HOME)
    set_session_cookie(response, request=request, session_id=session_id)
    return response


@router.post("/sign-out", response_model=None)
def sign_out(request: Request, session: SessionDep, viewer: CurrentTeacher) -> RedirectResponse:
    end_session(session, session_id=viewer.session_id)
    response = redirect(f"{PREFIX}?signed_out=true")
    clear_session_cookie(response, request=request)
    return response


@router.get("/codes", response_class=HTMLResponse)
def codes_page(request: Request, session: SessionDep, viewer: CurrentTeacher) -> HTMLResponse:
    codes = codes_for(session, viewer=viewer)
    session.commit()  # next_codes may have recorded what it issued
    return render(request, "codes.html", title="Unlock codes", codes=codes)


@router.get("/classes", response_class=HTMLResponse)
def classes_page(request: Request, session: SessionDep, viewer: CurrentTeacher) -> HTMLResponse:
    title = "Classes of the school" if viewer.is_admin else "My classes"
    rosters = rosters_for(session, viewer=viewer)
    return render(request, "classes.html", title=title, rosters=rosters)


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def class_page(request: Request, session: SessionDep, school_class: ClassInReach) -> HTMLResponse:
    roster = roster_of(session, school_class=school_class)
    return render(request, "class.html", title=roster.name, roster=roster)
