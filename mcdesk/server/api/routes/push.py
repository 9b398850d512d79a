"""POST /api/v1/push: a station's outbox events, stored exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from mcdesk.server.api.deps import RawBodyDep, SessionDep, SignerDep, StationDep
from mcdesk.server.models import PushRequest, PushResponse
from mcdesk.server.push import MAX_EVENTS, store_batch

router = APIRouter(tags=["sync"])


@router.post("/push", response_model=PushResponse)
def push(
    station: StationDep, body: RawBodyDep, session: SessionDep, signer: SignerDep
) -> JSONResponse:
    """Store a batch in one transaction; 409 if any event conflicts with a stored one."""
    # Parsed here from the signed bytes, not by FastAPI, which would read the body again.
    try:
        request = PushRequest.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=exc.errors(include_url=False, include_context=False),
        ) from None
    if len(request.events) > MAX_EVENTS:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"{len(request.events)} events; send at most {MAX_EVENTS} per request",
        )
    outcome = store_batch(
        session, station=station, events=request.events, signer=signer, now=datetime.now(UTC)
    )
    session.commit()
    code = status.HTTP_409_CONFLICT if outcome.conflict else status.HTTP_200_OK
    return JSONResponse(outcome.response.model_dump(mode="json"), status_code=code)
