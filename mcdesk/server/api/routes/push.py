"""POST /api/v1/push: a station's outbox events, stored exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.documents import MAX_PUSH_EVENTS
from mcdesk.server.api.deps import RawBodyDep, SessionDep, SignerDep, StationDep
from mcdesk.server.bodylimit import PUSH_BODY_BYTES
from mcdesk.server.models import PushRequest, PushResponse
from mcdesk.server.push import store_batch

router = APIRouter(tags=["sync"])
MAX_PROBLEMS = 5
CLOSE_CONNECTION = {"Connection": "close"}


def in_words(exc: ValidationError) -> str:
    """What is wrong with a push body, in words (never the input itself: it may be bytes)."""
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or 'the body'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_context=False, include_input=False)
    ]
    more = len(problems) - MAX_PROBLEMS
    listed = "; ".join(problems[:MAX_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
    return f"the push body is not a batch of events: {listed}"


@router.post("/push", response_model=PushResponse)
def push(
    station: StationDep, body: RawBodyDep, session: SessionDep, signer: SignerDep
) -> JSONResponse:
    """Store a batch in one transaction; 409 if any event conflicts with a stored one."""
    # Parsed here from the signed bytes, not by FastAPI, which would read the body again.
    try:
        document = read_json(body, what="the push body", max_bytes=PUSH_BODY_BYTES)
        request = PushRequest.model_validate(document)
    except JsonRefused as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from None
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=in_words(exc)) from None
    if len(request.events) > MAX_PUSH_EVENTS:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"{len(request.events)} events; send at most {MAX_PUSH_EVENTS} per request",
        )
    outcome = store_batch(
        session, station=station, events=request.events, signer=signer, now=datetime.now(UTC)
    )
    session.commit()
    code = status.HTTP_409_CONFLICT if outcome.conflict else status.HTTP_200_OK
    # A new connection for the station's next batch: kept alive, a station (and a burst of
    # stations accepted together) stays on one worker for its whole round while another
    # worker idles; reconnecting costs little beside a batch and lets the free worker take
    # it. Two workers on two cores went from 1.42x to 1.77x one on one (bench/ingest.py).
    return JSONResponse(
        outcome.response.model_dump(mode="json"), status_code=code, headers=CLOSE_CONNECTION
    )
