"""The public verify page: anyone (an employer) checks a badge by its link or by upload.

No session and no CSRF token: checking a badge is anonymous and changes nothing, so a
forged cross-site POST can learn or alter nothing. The routes are in ``PUBLIC_ROUTES``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.revoking import find_badge
from mcdesk.server.web.csrf import FormRefused
from mcdesk.server.web.deps import NowDep, get_web_key
from mcdesk.server.web.pages import VERIFY_PREFIX, render
from mcdesk.server.web.upload import FILE_FIELD, PASTE_FIELD, uploaded_badge
from mcdesk.server.web.verifying import check_badge

# render() signs a browser cookie, so the web key must be loaded first.
router = APIRouter(prefix=VERIFY_PREFIX, tags=["verify"], dependencies=[Depends(get_web_key)])
_FORM = {"file_field": FILE_FIELD, "paste_field": PASTE_FIELD}


@router.get("", response_class=HTMLResponse)
def verify_form(request: Request) -> HTMLResponse:
    return render(request, "verify.html", title="Check a badge", checked=None, problem="", **_FORM)


@router.post("", response_class=HTMLResponse)
async def verify_upload(request: Request, session: SessionDep, now: NowDep) -> HTMLResponse:
    try:
        data = await uploaded_badge(request)
    except FormRefused as exc:
        return render(
            request,
            "verify.html",
            status_code=exc.status_code,
            title="Check a badge",
            checked=None,
            problem=exc.reason,
            **_FORM,
        )
    checked = check_badge(session, data=data, now=now)
    code = status.HTTP_200_OK if checked.summary is not None else status.HTTP_400_BAD_REQUEST
    return render(
        request, "verify.html", status_code=code, title="Check a badge", checked=checked,
        problem="", **_FORM,
    )  # fmt: skip


@router.get("/{credential_uuid}", response_class=HTMLResponse)
def verify_link(
    request: Request, credential_uuid: str, session: SessionDep, now: NowDep
) -> HTMLResponse:
    badge = find_badge(session, credential_id=credential_uuid[:100])
    if badge is None:
        return render(
            request,
            "verify.html",
            status_code=status.HTTP_404_NOT_FOUND,
            title="Check a badge",
            checked=None,
            problem="This server issued no badge with that link. Check the address, "
            "or upload the badge file below.",
            **_FORM,
        )
    checked = check_badge(session, data=badge.jwt.encode(), now=now)
    return render(request, "verify.html", title="Badge check", checked=checked, problem="", **_FORM)
