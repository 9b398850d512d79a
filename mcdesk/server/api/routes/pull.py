"""GET /api/v1/pull/{stream}: a station's changes in one stream after its cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from mcdesk.server import changes
from mcdesk.server.api.deps import SessionDep, StationDep
from mcdesk.server.models import STREAMS, PullResponse

router = APIRouter(tags=["sync"])
MAX_CURSOR = 2**63 - 1  # the largest id SQLite and PostgreSQL hold: past it, 422 not 500


@router.get("/pull/{stream}", response_model=PullResponse)
def pull(
    stream: str,
    request: Request,
    station: StationDep,
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=changes.MAX_PULL)] = changes.MAX_PULL,
) -> PullResponse:
    if stream not in STREAMS:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no stream {stream!r}; the streams are {', '.join(STREAMS)}",
        )
    prepare = getattr(request.app.state, "preparers", {}).get(stream)
    if prepare is not None:
        prepare(session, station, datetime.now(UTC))
    renderers = getattr(request.app.state, "renderers", {})
    response = changes.read(
        session, stream=stream, station=station, after=after, limit=limit, renderers=renderers
    )
    session.commit()  # renderers may top up per-station state (code slots)
    return response
