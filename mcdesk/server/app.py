"""The FastAPI application, built by a factory (uvicorn --factory); nothing at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlmodel import Session

import mcdesk
from mcdesk.server.api.routes import content, enrol, health, pull, push, server_key, teacher
from mcdesk.server.bodylimit import (
    ENROL_BODY_BYTES,
    PUSH_BODY_BYTES,
    TEACHER_FORM_BYTES,
    BodyLimit,
)
from mcdesk.server.changes import Preparer, Renderer
from mcdesk.server.config import ServerSettings, load_server_settings
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.issuer import render_pack_key, top_up
from mcdesk.server.requestline import PlainAddress
from mcdesk.server.signer import ensure_signer

API_PREFIX = "/api/v1"

# Every other route (the GETs) takes no body at all.
BODY_LIMITS = {
    ("POST", f"{API_PREFIX}/push"): PUSH_BODY_BYTES,
    ("POST", f"{API_PREFIX}/enroll"): ENROL_BODY_BYTES,
    ("POST", "/teacher"): TEACHER_FORM_BYTES,
}


def stream_renderers() -> dict[str, Renderer]:
    """Per-stream hooks that shape a change for the station pulling it."""
    # roster, grants, accommodations and code_slots are sent as stored.
    return {"pack_keys": render_pack_key}


def pull_preparers() -> dict[str, Preparer]:
    """Per-stream hooks run before a station's page is read (they may commit changes)."""
    # The station pushed its code_used events first: seal the slots it is owed now.
    return {"code_slots": top_up}


def prepare_database(settings: ServerSettings) -> None:
    """Migrate the database and make the server key; safe to run from many workers."""
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with Session(engine) as session:
            ensure_signer(session, now=datetime.now(UTC))
    finally:
        engine.dispose()


def create_app(settings: ServerSettings) -> FastAPI:
    """The server application for these settings; the database is prepared on start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            prepare_database(settings)
        app.state.engine = make_engine(settings.database_url)
        try:
            yield
        finally:
            app.state.engine.dispose()

    app = FastAPI(title="mcdesk server", version=mcdesk.__version__, lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(BodyLimit, limits=BODY_LIMITS, default=0)
    app.add_middleware(PlainAddress)  # added last: runs first
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(push.router, prefix=API_PREFIX)
    app.include_router(server_key.router, prefix=API_PREFIX)
    app.include_router(enrol.router, prefix=API_PREFIX)
    app.include_router(pull.router, prefix=API_PREFIX)
    app.include_router(teacher.router)
    app.include_router(content.router, prefix=API_PREFIX)
    app.state.renderers = stream_renderers()
    app.state.preparers = pull_preparers()
    return app


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory mcdesk.server.app:app_from_environment``."""
    return create_app(load_server_settings())
