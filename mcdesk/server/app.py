"""The FastAPI application, built by a factory (uvicorn --factory); nothing at import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

import mcdesk
from mcdesk.protocol.live import LIVE_PATH, MAX_REPORT_BYTES
from mcdesk.protocol.streams import Stream
from mcdesk.server.admission import RETRY_AFTER_SECONDS, Admission, Overloaded
from mcdesk.server.api.routes import badges, content, enrol, health, live, pull, push, server_key
from mcdesk.server.bodylimit import (
    ENROL_BODY_BYTES,
    PUSH_BODY_BYTES,
    TEACHER_FORM_BYTES,
    BodyLimit,
)
from mcdesk.server.changes import Preparer, Renderer
from mcdesk.server.config import ServerSettings, load_server_settings
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.issuer import render_pack_key
from mcdesk.server.live.notices import LiveNotices
from mcdesk.server.requestline import PlainAddress
from mcdesk.server.sealer import SlotSealer
from mcdesk.server.signer import ensure_signer
from mcdesk.server.web.mount import mount_web
from mcdesk.server.web.pages import VERIFY_PREFIX
from mcdesk.server.web.upload import VERIFY_UPLOAD_BYTES

API_PREFIX = "/api/v1"
# Every other route (the GETs) takes no body at all.
BODY_LIMITS = {
    ("POST", f"{API_PREFIX}/push"): PUSH_BODY_BYTES,
    ("POST", f"{API_PREFIX}/enroll"): ENROL_BODY_BYTES,
    ("POST", VERIFY_PREFIX): VERIFY_UPLOAD_BYTES,
    ("POST", LIVE_PATH): MAX_REPORT_BYTES,
}
# The Teacher Resource Center's forms (sign-in, sign-out, and every page form after them).
PREFIX_LIMITS = {("POST", "/teacher"): TEACHER_FORM_BYTES}


def stream_renderers() -> dict[str, Renderer]:
    """Per-stream hooks that shape a change for the station pulling it."""
    # roster, grants, accommodations and code_slots are sent as stored.
    return {Stream.PACK_KEYS: render_pack_key}


def pull_preparers(sealer: SlotSealer) -> dict[str, Preparer]:
    """Per-stream hooks run before a station's page is read (they may commit changes)."""
    # The station pushed its code_used events first: owe it the slots, have them sealed.
    return {Stream.CODE_SLOTS: sealer.prepare_pull}


def prepare_database(settings: ServerSettings) -> None:
    """Migrate the database and make the server key; safe to run from many workers."""
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with Session(engine) as session:
            ensure_signer(session, now=datetime.now(UTC))
    finally:
        engine.dispose()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: ServerSettings, *, clock: Callable[[], datetime] = _utc_now) -> FastAPI:
    """The server application for these settings; the database is prepared on start-up.

    ``clock`` is what the Teacher Resource Center's sessions and sign-in read (tests move it).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            prepare_database(settings)
        admission = Admission(
            slots=settings.db_slots,
            wait_seconds=settings.wait_seconds,
            max_waiting=settings.max_waiting,
        )
        admission.start()
        app.state.admission = admission
        app.state.engine = make_engine(settings.database_url, pool_size=admission.slots)
        sealer = SlotSealer(app.state.engine)
        app.state.sealer = sealer
        app.state.preparers = pull_preparers(sealer)
        sealer.start()
        app.state.live_notices = LiveNotices(app.state.engine)
        app.state.live_notices.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            app.state.live_notices.stop()
            sealer.stop()
            app.state.engine.dispose()

    app = FastAPI(title="mcdesk server", version=mcdesk.__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.clock = clock
    app.add_middleware(BodyLimit, limits=BODY_LIMITS, prefixes=PREFIX_LIMITS, default=0)
    app.add_middleware(PlainAddress)  # added last: runs first
    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(push.router, prefix=API_PREFIX)
    app.include_router(server_key.router, prefix=API_PREFIX)
    app.include_router(enrol.router, prefix=API_PREFIX)
    app.include_router(pull.router, prefix=API_PREFIX)
    app.include_router(live.router, prefix=API_PREFIX)
    mount_web(app)
    app.include_router(content.router, prefix=API_PREFIX)
    app.include_router(badges.router)
    app.state.renderers = stream_renderers()
    add_overload_answers(app)
    return app


def _busy(reason: str, retry_after: int) -> JSONResponse:
    return JSONResponse(
        {"detail": reason}, status_code=503, headers={"Retry-After": str(retry_after)}
    )


def add_overload_answers(app: FastAPI) -> None:
    """Overload and an unreachable database answer 503 with Retry-After, never 500."""

    async def overloaded(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Overloaded)
        return _busy(exc.reason, exc.retry_after)

    async def pool_timeout(_request: Request, _exc: Exception) -> JSONResponse:
        reason = "the server is busy (no database connection free); try again"
        return _busy(reason, RETRY_AFTER_SECONDS)

    async def database_down(_request: Request, _exc: Exception) -> JSONResponse:
        # Connection refused, too many clients, a deadlock victim: all pass if retried.
        return _busy("the database did not answer; try again", RETRY_AFTER_SECONDS)

    app.add_exception_handler(Overloaded, overloaded)
    app.add_exception_handler(PoolTimeout, pool_timeout)
    app.add_exception_handler(OperationalError, database_down)


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory mcdesk.server.app:app_from_environment``."""
    return create_app(load_server_settings())
