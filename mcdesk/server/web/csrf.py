"""CSRF tokens for the Teacher Resource Center's forms, and reading a posted form.

A token is HMAC-SHA256(key, "csrf|" binding), where the binding is the session id when
signed in, or the browser cookie's random value before (the sign-in form). Both are
HttpOnly, SameSite=Strict cookies another site can neither read nor send, so it cannot
make a token; nothing is stored. Every POST under the web router is checked before its
route runs (``check_csrf``), so a later form cannot forget it.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import parse_qs

from fastapi import Request

from mcdesk.errors import McdeskError
from mcdesk.server.web.sessions import sign_value

CSRF_FIELD = "csrf_token"
_PURPOSE = "csrf"
# A teacher's form is a few fields; anything near this is not one.
MAX_FORM_BYTES = 64 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FormRefused(McdeskError):
    """A form that is too large, or not a form: said in words, answered 400/413."""

    def __init__(self, reason: str, *, status_code: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code


def csrf_token(key: bytes, *, binding: str) -> str:
    """The token a form carries for this binding."""
    return sign_value(key, purpose=_PURPOSE, value=binding).rsplit(".", 1)[1]


def csrf_ok(key: bytes, *, bindings: Iterable[str], given: str) -> bool:
    """Whether ``given`` is the token of one of these bindings (compared in constant time)."""
    found = False
    for binding in bindings:
        found |= hmac.compare_digest(csrf_token(key, binding=binding), given)
    return found and bool(given)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's fields (first value of each), read once and kept on the request."""
    cached: dict[str, str] | None = getattr(request.state, "form_fields", None)
    if cached is not None:
        return cached
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("", "application/x-www-form-urlencoded"):
        raise FormRefused("This page takes a plain web form only.", status_code=415)
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise FormRefused("That form is far too large to be one of ours.", status_code=413)
        chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    try:
        parsed = parse_qs(text, max_num_fields=50, keep_blank_values=True)
    except ValueError:
        raise FormRefused("That form has far too many fields to be one of ours.") from None
    fields = {name: values[0] for name, values in parsed.items()}
    if any("\x00" in name + value for name, value in fields.items()):
        # No name, password or page field holds NUL, and PostgreSQL cannot store one.
        raise FormRefused("That form holds a character no field of ours takes.")
    request.state.form_fields = fields
    return fields
