"""Refusing a request whose address holds control characters, before any route sees it.

No route takes a NUL or another control character in its path or query (PostgreSQL
text cannot even hold NUL), so one check here answers 400 in words for all of them.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi import status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

_CONTROL = frozenset(range(0x20)) | {0x7F}
WORDS = "the address holds a control character (such as NUL); no route takes one"


def _has_control(raw: bytes) -> bool:
    return not _CONTROL.isdisjoint(raw)


class PlainAddress:
    """ASGI middleware: 400 for a control character in the (decoded) path or query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = str(scope["path"]).encode("utf-8", "surrogatepass")
            query = unquote_to_bytes(bytes(scope.get("query_string", b"")).replace(b"+", b" "))
            if _has_control(path) or _has_control(query):
                response = JSONResponse({"detail": WORDS}, status_code=status.HTTP_400_BAD_REQUEST)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
