"""The live board's pages and proctor actions (the first page after sign-in).

The board page renders its tiles on the server (Jinja2, autoescape); ``board.js`` then
asks ``/teacher/board/changes`` (a long-poll that holds no database connection while it
waits) and fetches the tiles again when something changed, or every few seconds so a
station that went quiet turns "offline since …".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from mcdesk.protocol.live import MAX_EXTEND_MINUTES
from mcdesk.server.api.deps import SessionDep, get_signer
from mcdesk.server.live.commands import CommandNotMade, make_command
from mcdesk.server.live.notices import LiveNotices
from mcdesk.server.web.access import (
    NotAllowed,
    SignInNeeded,
    Viewer,
    class_for,
    visible_classes,
)
from mcdesk.server.web.board import board_for, latest_report, station_in_reach, stations_of_class
from mcdesk.server.web.deps import ClassInReach, CurrentTeacher, FormDep, check_csrf, viewer_of
from mcdesk.server.web.pages import PREFIX, redirect, render
from mcdesk.server.web.sessions import SESSION_COOKIE, web_key

BOARD = f"{PREFIX}/board"
CHANGES_WAIT_S = 5.0  # a board re-reads its tiles at least this often

router = APIRouter(prefix=BOARD, tags=["teacher"], dependencies=[Depends(check_csrf)])
# The long-poll has no CSRF dependency (a GET that changes nothing) and no request session:
# a connection is held only for the moment it checks the cookie.
changes_router = APIRouter(prefix=BOARD, tags=["teacher"])


def live_now() -> datetime:
    """Live state is stamped and aged on the server's real clock (stations compare with it)."""
    return datetime.now(UTC)


def _class_in_reach_or_none(session: Session, viewer: Viewer, class_id: str) -> str | None:
    return class_for(session, viewer=viewer, class_id=class_id).id if class_id else None


def _back(class_id: str | None) -> str:
    return BOARD if not class_id else f"{BOARD}/classes/{class_id}"


def _page(
    request: Request, session: Session, viewer: Viewer, *, class_id: str | None, title: str
) -> HTMLResponse:
    board = board_for(session, viewer=viewer, now=live_now(), class_id=class_id)
    classes = visible_classes(session, viewer=viewer)
    return render(
        request,
        "board.html",
        title=title,
        board=board,
        classes=classes,
        tiles_url=f"{_back(class_id)}/tiles",
        back=_back(class_id),
        max_minutes=MAX_EXTEND_MINUTES,
    )


@router.get("", response_class=HTMLResponse)
def board_page(request: Request, session: SessionDep, viewer: CurrentTeacher) -> HTMLResponse:
    return _page(request, session, viewer, class_id=None, title="Live board")


@router.get("/tiles", response_class=HTMLResponse)
def board_tiles(request: Request, session: SessionDep, viewer: CurrentTeacher) -> HTMLResponse:
    board = board_for(session, viewer=viewer, now=live_now())
    return render(request, "board_tiles.html", title="", board=board, back=BOARD)


@router.get("/classes/{class_id}", response_class=HTMLResponse)
def class_board_page(
    request: Request, session: SessionDep, school_class: ClassInReach, viewer: CurrentTeacher
) -> HTMLResponse:
    return _page(
        request, session, viewer, class_id=school_class.id, title=f"Live board: {school_class.name}"
    )


@router.get("/classes/{class_id}/tiles", response_class=HTMLResponse)
def class_board_tiles(
    request: Request, session: SessionDep, school_class: ClassInReach, viewer: CurrentTeacher
) -> HTMLResponse:
    board = board_for(session, viewer=viewer, now=live_now(), class_id=school_class.id)
    return render(request, "board_tiles.html", title="", board=board, back=_back(school_class.id))


def _commit_and_tell(request: Request, session: Session) -> None:
    """Commit a new command and wake the boards, so its tile says "sending…" at once."""
    notices: LiveNotices = request.app.state.live_notices
    notices.changed(session)
    session.commit()
    notices.committed()


def _minutes(form: dict[str, str]) -> int:
    try:
        minutes = int(form.get("minutes", "0") or "0")
    except ValueError:
        raise NotAllowed("Type the minutes to add as a whole number, like 5.") from None
    if not 0 <= minutes <= MAX_EXTEND_MINUTES:
        raise NotAllowed(f"Add 1 to {MAX_EXTEND_MINUTES} minutes.")
    return minutes


def _counter_for(document: dict[str, object]) -> int:
    attempt = document.get("attempt")
    if not isinstance(attempt, dict):
        return 0
    waiting = attempt.get("waiting")
    if isinstance(waiting, dict):
        return int(waiting["counter"])
    return int(attempt.get("next_counter", 0))


@router.post("/command", response_model=None)
def send_command(
    request: Request, session: SessionDep, viewer: CurrentTeacher, form: FormDep
) -> RedirectResponse:
    """One action for one station's attempt, from its tile."""
    back = _class_in_reach_or_none(session, viewer, form.get("back_class", ""))
    live = station_in_reach(session, viewer=viewer, station_id=form.get("station_id", ""))
    document = json.loads(live.document)
    attempt = document.get("attempt")
    if not isinstance(attempt, dict) or attempt.get("id") != form.get("attempt_id"):
        raise NotAllowed("That attempt is no longer on the station; the board has been updated.")
    if attempt.get("state") not in ("unlocked", "running", "paused"):
        raise NotAllowed("That attempt has already ended.")
    try:
        make_command(
            session,
            get_signer(session),
            station_id=live.station_id,
            attempt_id=str(attempt["id"]),
            action=form.get("action", ""),
            minutes=_minutes(form),
            counter=_counter_for(document),
            teacher_id=viewer.teacher_id,
            now=live_now(),
        )
    except CommandNotMade as exc:
        raise NotAllowed(exc.args[0]) from None
    _commit_and_tell(request, session)
    # Back to the tile acted on: sorted by need, it may have moved down the board.
    return redirect(f"{_back(back)}#tile-{live.station_id}")


@router.post("/classes/{class_id}/extend", response_model=None)
def extend_class(
    request: Request,
    session: SessionDep,
    school_class: ClassInReach,
    viewer: CurrentTeacher,
    form: FormDep,
) -> RedirectResponse:
    """Extend everyone of the class who is in an attempt now by N minutes."""
    minutes = _minutes(form)
    if minutes < 1:
        raise NotAllowed(f"Add 1 to {MAX_EXTEND_MINUTES} minutes.")
    signer = get_signer(session)
    now = live_now()
    for live in stations_of_class(session, school_class=school_class):
        document = json.loads(live.document)
        attempt = document.get("attempt")
        if not isinstance(attempt, dict) or attempt.get("state") not in ("running", "paused"):
            continue
        try:
            make_command(
                session,
                signer,
                station_id=live.station_id,
                attempt_id=str(attempt["id"]),
                action="extend",
                minutes=minutes,
                counter=_counter_for(document),
                teacher_id=viewer.teacher_id,
                now=now,
            )
        except CommandNotMade:
            continue  # its tile says to use the station's own teacher page
    _commit_and_tell(request, session)
    return redirect(_back(school_class.id))


def _look(request: Request, since: int) -> tuple[bool, bool]:
    """(signed in, a report came after ``since``): one short session, then it is closed."""
    engine = request.app.state.engine
    now: datetime = request.app.state.clock()
    with Session(engine) as session:
        key: bytes | None = getattr(request.app.state, "web_key", None)
        if key is None:
            key = web_key(session, now=now)
            request.app.state.web_key = key
        viewer = viewer_of(session, key=key, cookie=request.cookies.get(SESSION_COOKIE), now=now)
        newer = viewer is not None and latest_report(session) > since
    return viewer is not None, newer


@changes_router.get("/changes")
async def board_changes(request: Request, since: int = 0) -> dict[str, bool]:
    """Answers when any station reported after ``since`` (µs), or after a few seconds."""
    signed_in, newer = await run_in_threadpool(_look, request, since)
    if not signed_in:
        raise SignInNeeded
    if newer or since <= 0:  # came while the board was fetching its tiles (or no version)
        return {"changed": True}
    notices: LiveNotices = request.app.state.live_notices
    changed = await notices.wait(CHANGES_WAIT_S)
    return {"changed": changed}
