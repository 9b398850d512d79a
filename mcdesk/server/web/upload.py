"""Reading the verify page's upload: a file field or a pasted token, within its limit.

No multipart library is installed, so the body (already bounded by the BodyLimit
middleware) is read here with its own cap and split by the standard library's MIME parser.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import parse_qs

from fastapi import Request

from mcdesk.server.web.csrf import FormRefused

# A baked PNG of the school's 512 px art is well under 1 MiB; an upload past this is no badge.
VERIFY_UPLOAD_BYTES = 2 * 1024 * 1024
FILE_FIELD = "badge"
PASTE_FIELD = "pasted"
_MAX_PARTS = 8


async def _body(request: Request) -> bytes:
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > VERIFY_UPLOAD_BYTES:
            raise FormRefused(
                f"That file is too large to be a badge: at most {VERIFY_UPLOAD_BYTES:,} bytes.",
                status_code=413,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise FormRefused("That upload is not a form we can read.")
    fields: dict[str, bytes] = {}
    for index, part in enumerate(message.iter_parts()):
        if index >= _MAX_PARTS:
            raise FormRefused("That form has far too many fields to be ours.")
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes) and name not in fields:
            fields[name] = payload
    return fields


def _urlencoded(body: bytes) -> dict[str, bytes]:
    try:
        parsed = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=_MAX_PARTS)
    except ValueError:
        raise FormRefused("That form has far too many fields to be ours.") from None
    return {name: values[0].encode("utf-8") for name, values in parsed.items()}


async def uploaded_badge(request: Request) -> bytes:
    """The uploaded file, else the pasted text; FormRefused in words when there is neither."""
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    body = await _body(request)
    if kind == "multipart/form-data":
        fields = _multipart(content_type, body)
    elif kind in ("", "application/x-www-form-urlencoded"):
        fields = _urlencoded(body)
    else:
        raise FormRefused("Send the badge with this page's form.", status_code=415)
    data = fields.get(FILE_FIELD, b"") or fields.get(PASTE_FIELD, b"").strip()
    if not data:
        raise FormRefused("Choose a badge file or paste a badge, then press Check.")
    return data
