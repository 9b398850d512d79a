"""Mounting the Teacher Resource Center on the server app (called by create_app)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

from mcdesk.server.web import (
    announce_routes,
    board_routes,
    learner_routes,
    manage_routes,
    report_routes,
    routes,
    verify_routes,
)
from mcdesk.server.web.access import NotAllowed, SignInNeeded
from mcdesk.server.web.csrf import FormRefused
from mcdesk.server.web.pages import (
    PREFIX,
    STATIC_PATH,
    WEB_DIR,
    SecurityHeaders,
    make_templates,
    redirect,
    render,
)


def _refusal(request: Request, *, reason: str, status_code: int) -> Response:
    if getattr(request.app.state, "web_key", None) is None:
        return PlainTextResponse(reason, status_code=status_code)
    return render(request, "refused.html", status_code=status_code, title="Not here", reason=reason)


async def _sign_in_needed(request: Request, _exc: Exception) -> Response:
    return redirect(PREFIX)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotAllowed)
    return _refusal(request, reason=exc.reason, status_code=403)


async def _form_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormRefused)
    return _refusal(request, reason=exc.reason, status_code=exc.status_code)


def mount_web(app: FastAPI) -> None:
    """Routes, static files, templates, refusal pages and security headers (/teacher, /verify)."""
    app.state.templates = make_templates()
    app.include_router(routes.router)
    app.include_router(board_routes.router)
    app.include_router(board_routes.changes_router)
    app.include_router(report_routes.router)
    app.include_router(announce_routes.router)
    app.include_router(manage_routes.router)
    app.include_router(learner_routes.router)
    app.include_router(verify_routes.router)
    app.mount(STATIC_PATH, StaticFiles(directory=WEB_DIR / "static"), name="teacher-static")
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(NotAllowed, _not_allowed)
    app.add_exception_handler(FormRefused, _form_refused)
    app.add_middleware(SecurityHeaders)
