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
from mcdesk.server.web.verifying import CheckedBadge, check_badge

# render() signs a browser cookie, so the web key must be loaded first.
router = APIRouter(prefix=VERIFY_PREFIX, tags=["verify"], dependencies=[Depends(get_web_key)])
NO_SUCH_BADGE = (
    "This server issued no badge with that link. Check the address, or upload the badge file below."
)


def _page(
    request: Request, *, checked: CheckedBadge | None, problem: str = "", status_code: int = 200
) -> HTMLResponse:
    """The verify page: a verdict (when there is one), a refusal in words, and the form."""
    return render(
        request,
        "verify.html",
        status_code=status_code,
        title="Check a badge",
        checked=checked,
        problem=problem,
        file_field=FILE_FIELD,
        paste_field=PASTE_FIELD,
    )


@router.get("", response_class=HTMLResponse)
def verify_form(request: Request) -> HTMLResponse:
    return _page(request, checked=None)


@router.post("", response_class=HTMLResponse)
async def verify_upload(request: Request, session: SessionDep, now: NowDep) -> HTMLResponse:
    try:
        data = await uploaded_badge(request)
    except FormRefused as exc:
        return _page(request, checked=None, problem=exc.reason, status_code=exc.status_code)
    checked = check_badge(session, data=data, now=now)
    # Something that is not a readable badge at all is the sender's mistake: a 400.
    code = status.HTTP_200_OK if checked.summary is not None else status.HTTP_400_BAD_REQUEST
    return _page(request, checked=checked, status_code=code)


@router.get("/{credential_uuid}", response_class=HTMLResponse)
def verify_link(
    request: Request, credential_uuid: str, session: SessionDep, now: NowDep
) -> HTMLResponse:
    badge = find_badge(session, credential_id=credential_uuid[:100])
    if badge is None:
        return _page(
            request, checked=None, problem=NO_SUCH_BADGE, status_code=status.HTTP_404_NOT_FOUND
        )
    return _page(request, checked=check_badge(session, data=badge.jwt.encode(), now=now))
