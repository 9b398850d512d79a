"""Request dependencies: the database session, the raw body, the signing station."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.server.admission import Admission, Overloaded
from mcdesk.server.auth import AuthError, authenticate
from mcdesk.server.bodylimit import PUSH_BODY_BYTES
from mcdesk.server.models import Station
from mcdesk.server.signer import ServerSigner, load_signer


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_db(
    request: Request, engine: Annotated[Engine, Depends(get_engine)]
) -> AsyncIterator[Session]:
    """A session inside one of the worker's request places (mcdesk.server.admission)."""
    admission: Admission = request.app.state.admission
    async with AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(admission.place())
        except Overloaded:
            await _drain(request)
            raise
        session = Session(engine)
        try:
            yield session
        finally:
            # Closing returns the connection (a rollback round trip): not on the loop.
            await run_in_threadpool(session.close)


async def _drain(request: Request) -> None:
    """Read what the client is still sending before a refusal, within the size limit.

    Closing a connection with its body unread resets it, and the station would see a
    network error instead of the 503 and its Retry-After.
    """
    read = 0
    try:
        async for chunk in request.stream():
            read += len(chunk)
            if read > PUSH_BODY_BYTES:  # the largest body any route takes
                return
    except RuntimeError:  # read already (as the signed body): nothing is left to drain
        return


async def get_raw_body(request: Request) -> bytes:
    """The request body as sent (the signature covers these bytes).

    Its size was bounded as it streamed in, per route (mcdesk.server.bodylimit).
    """
    return await request.body()


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_db)]
RawBodyDep = Annotated[bytes, Depends(get_raw_body)]


def get_station(request: Request, session: SessionDep, body: RawBodyDep) -> Station:
    """The station that signed this request; 401 with the reason otherwise."""
    try:
        return authenticate(
            session,
            method=request.method,
            path=request.url.path,
            headers=request.headers,
            body=body,
            now=datetime.now(UTC),
        )
    except AuthError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=str(exc)) from None


def get_signer(session: SessionDep) -> ServerSigner:
    signer = load_signer(session)
    if signer is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="no server key yet")
    return signer


StationDep = Annotated[Station, Depends(get_station)]
SignerDep = Annotated[ServerSigner, Depends(get_signer)]
