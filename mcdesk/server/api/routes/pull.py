"""GET /api/v1/pull/{stream}: a station's changes in one stream after its cursor.

The page is signed by the server key and names the station, the stream, the cursor asked
from and the request's nonce, so a station can refuse a page that was edited on the way,
meant for another station, or recorded from an earlier request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from mcdesk.protocol.documents import MAX_PULL_PAGE
from mcdesk.protocol.files import PULL_PAGE_KIND
from mcdesk.protocol.signing import NONCE_HEADER
from mcdesk.protocol.streams import STREAMS
from mcdesk.server import changes
from mcdesk.server.api.deps import SessionDep, SignerDep, StationDep
from mcdesk.server.models import SignedAnswer
from mcdesk.server.signer import signed_answer

router = APIRouter(tags=["sync"])
MAX_CURSOR = 2**63 - 1  # the largest id SQLite and PostgreSQL hold: past it, 422 not 500


@router.get("/pull/{stream}", response_model=SignedAnswer)
def pull(
    stream: str,
    request: Request,
    station: StationDep,
    session: SessionDep,
    signer: SignerDep,
    after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = MAX_PULL_PAGE,
) -> SignedAnswer:
    if stream not in STREAMS:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no stream {stream!r}; the streams are {', '.join(STREAMS)}",
        )
    prepare = getattr(request.app.state, "preparers", {}).get(stream)
    if prepare is not None:
        prepare(session, station, datetime.now(UTC), after)
    renderers = getattr(request.app.state, "renderers", {})
    response = changes.read(
        session, stream=stream, station=station, after=after, limit=limit, renderers=renderers
    )
    session.commit()  # renderers may top up per-station state (code slots)
    binding = {"station_id": station.id, "after": after, "nonce": request.headers[NONCE_HEADER]}
    return signed_answer(
        signer, kind=PULL_PAGE_KIND, document=response.model_dump(mode="json") | binding
    )
