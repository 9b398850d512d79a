"""GET and POST /teacher: the server's teacher page (HTML), next to the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, status
from fastapi.responses import HTMLResponse

from mcdesk.server.api.deps import RawBodyDep, SessionDep
from mcdesk.server.teacher_page import (
    SignInRefused,
    codes_for,
    codes_page,
    sign_in,
    sign_in_page,
)

router = APIRouter(tags=["teacher"])

# Codes must not be cached, framed or mixed with anything from elsewhere.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
}


@router.get("/teacher", response_class=HTMLResponse)
def teacher_form() -> HTMLResponse:
    return HTMLResponse(sign_in_page(), headers=HEADERS)


@router.post("/teacher", response_class=HTMLResponse)
def teacher_codes(body: RawBodyDep, session: SessionDep) -> HTMLResponse:
    try:
        fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    except ValueError:  # more fields than a sign-in form has: not our form, no one signs in
        fields = {}
    username = (fields.get("username") or [""])[0]
    password = (fields.get("password") or [""])[0]
    if "\x00" in username + password:  # no name or password holds NUL (PostgreSQL cannot)
        username = password = ""
    try:
        teacher = sign_in(session, username=username, password=password, now=datetime.now(UTC))
    except SignInRefused as exc:
        session.commit()  # the wrong try counts
        code = status.HTTP_429_TOO_MANY_REQUESTS if exc.wait else status.HTTP_401_UNAUTHORIZED
        return HTMLResponse(sign_in_page(exc.reason), status_code=code, headers=HEADERS)
    page = codes_page(codes_for(session, teacher))
    session.commit()
    return HTMLResponse(page, headers=HEADERS)
