"""Rendering the Teacher Resource Center's pages: Jinja2 (autoescape), cookies, headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mcdesk.server.web.access import Viewer
from mcdesk.server.web.csrf import CSRF_FIELD, csrf_token
from mcdesk.server.web.sessions import (
    BROWSER_COOKIE,
    SESSION_COOKIE,
    new_secret,
    sign_value,
    signed_value,
)

WEB_DIR = Path(__file__).resolve().parent
PREFIX = "/teacher"
STATIC_PATH = f"{PREFIX}/static"
VERIFY_PREFIX = "/verify"  # the public badge check (verify_routes.py)


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str


# The header's links, in order; a new page adds its entry here.
NAV = (
    NavItem("Live board", f"{PREFIX}/board"),
    NavItem("Codes", f"{PREFIX}/codes"),
    NavItem("My classes", f"{PREFIX}/classes"),
)

# Pages hold codes and learners' names: never cached, framed, or mixed with other origins.
# No inline script or style is allowed, so a name that slipped past escaping still runs nothing.
# data: images are allowed for the verify page's badge art (an image runs no script).
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
        "connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


_HEADER_PAIRS = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
_HEADER_NAMES = {name for name, _ in _HEADER_PAIRS}


def make_templates() -> Environment:
    """The template environment: autoescape everywhere, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = lambda name: f"{STATIC_PATH}/{name}"
    env.globals["prefix"] = PREFIX
    env.globals["csrf_field"] = CSRF_FIELD
    return env


class SecurityHeaders:
    """Adds ``HEADERS`` to every response under the web prefixes (pages, redirects, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not any(path == top or path.startswith(top + "/") for top in (PREFIX, VERIFY_PREFIX)):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Ours replace any a route set, so no page can weaken them by accident.
                kept = [(k, v) for k, v in message.get("headers", []) if k not in _HEADER_NAMES]
                message["headers"] = kept + _HEADER_PAIRS
            await send(message)

        await self.app(scope, receive, with_headers)


def _secure(request: Request) -> bool:
    # uvicorn's proxy_headers make the scheme https behind a TLS proxy on this host.
    return request.url.scheme == "https"


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page: the viewer, the nav and this browser's CSRF token are in every template."""
    key: bytes = request.app.state.web_key
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    browser = signed_value(key, purpose="browser", cookie=request.cookies.get(BROWSER_COOKIE))
    fresh_browser = browser is None
    if browser is None:
        browser = new_secret()
    binding = viewer.session_id if viewer is not None else browser
    templates: Environment = request.app.state.templates
    text = templates.get_template(template).render(
        viewer=viewer,
        nav=NAV,
        current_path=request.url.path,
        csrf_token=csrf_token(key, binding=binding),
        **context,
    )
    response = HTMLResponse(text, status_code=status_code)
    if fresh_browser:
        response.set_cookie(
            BROWSER_COOKIE,
            sign_value(key, purpose="browser", value=browser),
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            path=PREFIX,
        )
    return response


def redirect(path: str) -> RedirectResponse:
    """303 See Other: after a POST the browser GETs the next page."""
    return RedirectResponse(path, status_code=303)


def set_session_cookie(
    response: HTMLResponse | RedirectResponse, *, request: Request, session_id: str
) -> None:
    """The session cookie: signed, HttpOnly, SameSite=Strict, Secure over TLS, no Max-Age."""
    key: bytes = request.app.state.web_key
    response.set_cookie(
        SESSION_COOKIE,
        sign_value(key, purpose="session", value=session_id),
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path=PREFIX,
    )


def clear_session_cookie(response: HTMLResponse | RedirectResponse, *, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=PREFIX, httponly=True, samesite="strict", secure=_secure(request)
    )


def set_short_cookie(
    response: RedirectResponse, *, request: Request, name: str, value: str, max_age: int
) -> None:
    """A cookie that lives a moment (something to show once after a redirect)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path=PREFIX,
    )


def clear_cookie(response: HTMLResponse, *, request: Request, name: str) -> None:
    response.delete_cookie(
        name, path=PREFIX, httponly=True, samesite="strict", secure=_secure(request)
    )
