"""Public badge documents: the status list, the 2.0 revocation list and hosted assertions.

No station signature here: employers' verifiers fetch these. Each answer is built from
the database on request; a missing document is a 404 in words.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse, Response

from mcdesk.badges.ob2 import hosted_assertion
from mcdesk.server.api.deps import SessionDep
from mcdesk.server.issuing import public_url
from mcdesk.server.revoking import BadgeError, find_badge, ob2_revocations, status_list_jwt

router = APIRouter(tags=["badges"])

VC_JWT_TYPE = "application/vc+jwt"
OB2_TYPE = "application/ld+json"
# Lists change when a badge is revoked; a verifier may keep one for five minutes.
LIST_CACHE = "public, max-age=300"


def _missing(why: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=why)


@router.get("/badges/status/{name}")
def status_list(name: str, session: SessionDep) -> Response:
    """The signed Bitstring Status List (a VC-JWT) the OB 3.0 credentials name."""
    try:
        jwt = status_list_jwt(session, name=name, now=datetime.now(UTC))
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    return Response(jwt, media_type=VC_JWT_TYPE, headers={"Cache-Control": LIST_CACHE})


@router.get("/ob2/revocations")
def revocations(session: SessionDep) -> JSONResponse:
    """The OB 2.0 RevocationList: revoked assertion ids with their reasons."""
    try:
        document = ob2_revocations(session)
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    return JSONResponse(document, media_type=OB2_TYPE, headers={"Cache-Control": LIST_CACHE})


def _hosted(session: SessionDep, credential_id: str) -> JSONResponse:
    if public_url(session) is None:
        raise _missing("this server has no public URL (mcdesk server --public-url)")
    badge = find_badge(session, credential_id=credential_id)
    if badge is None:
        raise _missing(f"no badge {credential_id!r} on this server")
    assertion: dict[str, Any] = json.loads(badge.assertion)
    if not str(assertion.get("id", "")).startswith("http"):
        raise _missing("this badge was issued before the server had a public URL; it is not hosted")
    hosted = hosted_assertion(assertion)
    if badge.revoked_at is None:
        return JSONResponse(hosted, media_type=OB2_TYPE)
    # OB 2.0 hosted verification: a revoked assertion answers 410 with revoked and the reason.
    hosted |= {"revoked": True, "revocationReason": badge.revoked_reason or "revoked"}
    return JSONResponse(hosted, status_code=status.HTTP_410_GONE, media_type=OB2_TYPE)


@router.get("/ob2/assertions/{credential_id}")
def ob2_assertion(credential_id: str, session: SessionDep) -> JSONResponse:
    """The hosted OB 2.0 assertion at its own id (410 with the reason once revoked)."""
    return _hosted(session, credential_id)


@router.get("/badges/{credential_id}")
def badge_assertion(credential_id: str, session: SessionDep) -> JSONResponse:
    """The same hosted OB 2.0 assertion, at the badge's short address."""
    return _hosted(session, credential_id)
