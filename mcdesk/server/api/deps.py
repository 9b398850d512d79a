"""Request dependencies: the database session, the raw body, the signing station."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.server.auth import AuthError, authenticate
from mcdesk.server.models import Station
from mcdesk.server.signer import ServerSigner, load_signer


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_db(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


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
