"""POST /api/v1/enroll: a station redeems a one-time token (the token is the proof)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ValidationError

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.keys import public_key_b64
from mcdesk.server.api.deps import RawBodyDep, SessionDep, SignerDep
from mcdesk.server.bodylimit import ENROL_BODY_BYTES
from mcdesk.server.enrolment import EnrolError, redeem
from mcdesk.server.models import EnrolRequest, EnrolResponse, School

router = APIRouter(tags=["enrolment"])


def enrol_request(body: bytes) -> EnrolRequest:
    """The request read with the house's JSON reader; 400 in words if it is not one."""
    try:
        return EnrolRequest.model_validate(
            read_json(body, what="the enrolment request", max_bytes=ENROL_BODY_BYTES)
        )
    except JsonRefused as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from None
    except ValidationError as exc:
        missing = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail="the enrolment request needs token, station_id, name and public_key as text"
            + (f" (wrong or missing: {', '.join(missing)})" if missing else ""),
        ) from None


@router.post(
    "/enroll",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": EnrolRequest.model_json_schema()}},
        }
    },
)
def enroll(
    body: RawBodyDep, http: Request, session: SessionDep, signer: SignerDep
) -> EnrolResponse:
    """Register the station; 400 for an unknown token, 410 for a used or expired one."""
    request = enrol_request(body)
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
