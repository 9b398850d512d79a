"""Public badge documents: the status list, the 2.0 revocation list, hosted 2.0 documents.

No station signature here: employers' verifiers fetch these. Each answer is built from
the database on request; a missing document is a 404 in words.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse, RedirectResponse, Response

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.hosting import (
    assertion_document,
    badge_class_document,
    badge_image,
    issuer_document,
)
from mcdesk.server.revoking import BadgeError, ob2_revocations, status_list_jwt
from mcdesk.server.web.pages import VERIFY_PREFIX

router = APIRouter(tags=["badges"])

VC_JWT_TYPE = "application/vc+jwt"
OB2_TYPE = "application/ld+json"
# Lists change when a badge is revoked; a verifier may keep one for five minutes.
LIST_CACHE = "public, max-age=300"
IMAGE_CACHE = "public, max-age=86400"


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
    try:
        hosted, badge = assertion_document(session, credential_id=credential_id)
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    if badge.revoked_at is None:
        return JSONResponse(hosted, media_type=OB2_TYPE)
    # OB 2.0 hosted verification: a revoked assertion answers 410 with revoked and the reason.
    hosted |= {"revoked": True, "revocationReason": badge.revoked_reason or "revoked"}
    return JSONResponse(hosted, status_code=status.HTTP_410_GONE, media_type=OB2_TYPE)


@router.get("/ob2/assertions/{credential_id}")
def ob2_assertion(credential_id: str, session: SessionDep) -> JSONResponse:
    """The hosted OB 2.0 assertion at its own id (410 with the reason once revoked)."""
    return _hosted(session, credential_id)


@router.get("/ob2/badgeclasses/{pack_id}")
def ob2_badge_class(pack_id: str, session: SessionDep) -> JSONResponse:
    """The hosted OB 2.0 BadgeClass of a micro-credential, as its badges were signed."""
    try:
        document = badge_class_document(session, pack_id=pack_id)
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    return JSONResponse(document, media_type=OB2_TYPE, headers={"Cache-Control": LIST_CACHE})


@router.get("/ob2/issuer")
def ob2_issuer(session: SessionDep) -> JSONResponse:
    """The hosted OB 2.0 Issuer profile (the school; its publicKey is the did:key)."""
    try:
        document = issuer_document(session)
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    return JSONResponse(document, media_type=OB2_TYPE, headers={"Cache-Control": LIST_CACHE})


@router.get("/badges/images/{pack_id}.png")
def badge_picture(pack_id: str, session: SessionDep) -> Response:
    """A micro-credential's badge picture (512 px PNG): the image its credentials name."""
    try:
        picture = badge_image(session, pack_id=pack_id)
    except BadgeError as exc:
        raise _missing(str(exc)) from None
    return Response(picture, media_type="image/png", headers={"Cache-Control": IMAGE_CACHE})


@router.get("/badges/{credential_id}")
def badge_assertion(credential_id: str, session: SessionDep) -> JSONResponse:
    """The same hosted OB 2.0 assertion, at the badge's short address."""
    return _hosted(session, credential_id)


@router.get("/", include_in_schema=False)
def badge_site_home() -> RedirectResponse:
    """The issuer's web address (the profiles' ``url``) opens the public badge check."""
    return RedirectResponse(VERIFY_PREFIX, status_code=status.HTTP_307_TEMPORARY_REDIRECT)
