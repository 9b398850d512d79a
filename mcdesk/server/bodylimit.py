"""Request bodies bounded per route, counted as they stream in, before anything parses them.

A declared ``Content-Length`` over the limit is refused before the body is read; a
chunked body (no length) is counted as it arrives and refused the moment it passes. The
413 answer closes the connection, so the server stops reading the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What each route that takes a body takes; every other route takes none.
# Far above MAX_PUSH_EVENTS events of a few KB each; stops a station streaming an endless body.
PUSH_BODY_BYTES = 32 * 1024 * 1024
# A token, a station id, a name and a public key.
ENROL_BODY_BYTES = 4 * 1024
# The teacher page's sign-in form: a username and a password.
TEACHER_FORM_BYTES = 4 * 1024

# Past this many digits a Content-Length is no size at all (and int() would refuse it).
MAX_LENGTH_DIGITS = 19
CLOSE = {"Connection": "close"}
# A refused body up to this size is read and dropped before the 413, so the client, still
# sending, reads the words instead of a reset connection (closing with unread bytes makes the
# kernel reset it, and the answer in flight is lost); a larger one is refused unread. The
# bound is the larger of DRAIN_BYTES and a few times the route's own limit (someone picking
# a photo a little too big for the verify page), never past MAX_DRAIN_BYTES.
DRAIN_BYTES = 1024 * 1024
DRAIN_LIMITS = 4
MAX_DRAIN_BYTES = 16 * 1024 * 1024


def drained_up_to(limit: int) -> int:
    """The largest refused body, for a route taking ``limit`` bytes, read before the 413."""
    return min(MAX_DRAIN_BYTES, max(DRAIN_BYTES, DRAIN_LIMITS * limit))


async def _drain(receive: Receive) -> None:
    """Read the rest of a small refused body; nothing of it is kept."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def refusal(*, method: str, path: str, limit: int) -> str:
    """The 413 in words."""
    if limit == 0:
        return f"{method} {path} takes no request body; send it without one"
    return (
        f"the request body is too large: {method} {path} takes at most {limit:,} bytes; "
        "nothing was read past that"
    )


def _declared_length(headers: list[tuple[bytes, bytes]], *, limit: int) -> int | None:
    """The body size the headers announce; a chunked body counts as one byte when none is taken.

    A route that takes no body never reads one, so a chunked body sent to it could only be
    refused by reading it: it is refused by its header instead.
    """
    for name, value in headers:
        if name.lower() == b"content-length":
            text = value.strip()
            if len(text) > MAX_LENGTH_DIGITS:
                return sys.maxsize
            return int(text) if text.isdigit() else None
        if name.lower() == b"transfer-encoding" and limit == 0:
            return 1
    return None


class BodyLimit:
    """ASGI middleware: each (method, path) gets its limit, then each (method, path prefix);
    anything else ``default``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: Mapping[tuple[str, str], int],
        prefixes: Mapping[tuple[str, str], int] | None = None,
        default: int,
    ) -> None:
        self.app = app
        self.limits = dict(limits)
        self.prefixes = dict(prefixes or {})
        self.default = default

    def limit_for(self, *, method: str, path: str) -> int:
        """The body this request may send: its route's, its folder's, or the default."""
        if (method, path) in self.limits:
            return self.limits[(method, path)]
        for (verb, prefix), limit in self.prefixes.items():
            if verb == method and (path == prefix or path.startswith(prefix + "/")):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = str(scope["method"]), str(scope["path"])
        limit = self.limit_for(method=method, path=path)
        words = refusal(method=method, path=path, limit=limit)
        declared = _declared_length(scope["headers"], limit=limit)
        if declared is not None and declared > limit:
            if limit > 0 and declared <= drained_up_to(limit):  # a little too big
                await _drain(receive)
            response = JSONResponse(
                {"detail": words}, status_code=status.HTTP_413_CONTENT_TOO_LARGE, headers=CLOSE
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes FastAPI's body parsing untouched and is
                    # answered by its handler; "close" makes uvicorn drop the rest unread.
                    raise HTTPException(
                        status.HTTP_413_CONTENT_TOO_LARGE, detail=words, headers=CLOSE
                    )
            return message

        await self.app(scope, counted, send)
