"""POST /api/v1/enroll: a station redeems a one-time token (the token is the proof)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status

from mcdesk.keys import public_key_b64
from mcdesk.server.api.deps import SessionDep, SignerDep
from mcdesk.server.enrolment import EnrolError, redeem
from mcdesk.server.models import EnrolRequest, EnrolResponse, School

router = APIRouter(tags=["enrolment"])


@router.post("/enroll")
def enroll(
    request: EnrolRequest, http: Request, session: SessionDep, signer: SignerDep
) -> EnrolResponse:
    """Register the station; 400 for an unknown token, 410 for a used or expired one."""
    try:
        station = redeem(
            session,
            token=request.token,
            station_id=request.station_id,
            public_key_b64=request.public_key,
            now=datetime.now(UTC),
        )
    except EnrolError as exc:
        code = status.HTTP_410_GONE if exc.gone else status.HTTP_400_BAD_REQUEST
        raise HTTPException(code, detail=exc.reason) from None
    http.app.state.sealer.kick()  # its first slots are owed: seal them before it pulls
    school = session.get(School, station.school_id)
    return EnrolResponse(
        station_id=station.id,
        school="" if school is None else school.name,
        station_name=station.name,
        server_key=public_key_b64(signer.public_key),
    )
