"""Content for stations: a published pack's signed manifest, and its files by SHA-256.

Files are served with HTTP Range so a download cut half-way resumes where it stopped.
Every stored blob was stored by publishing a pack (mcdesk.server.publish is the only
writer of ``content_blob``), so only files of published packs are ever served.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlmodel import col, func, select

from mcdesk.protocol.files import MANIFEST_KIND
from mcdesk.protocol.signing import NONCE_HEADER
from mcdesk.server.api.deps import SessionDep, SignerDep, StationDep
from mcdesk.server.models import ContentBlob, PublishedPack, SignedAnswer
from mcdesk.server.signer import signed_answer

router = APIRouter(tags=["content"])

SHA256 = re.compile(r"[0-9a-f]{64}")
# One range only: "bytes=N-", "bytes=N-M" or the last S bytes, "bytes=-S" (RFC 9110 14.1).
# At most 18 digits each (no blob is an exabyte): a longer number is not a range we serve,
# and the header is ignored rather than handed to int().
RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")


class SignedManifest(SignedAnswer):
    """The server-signed envelope, and beside it the manifest bytes its body names by hash."""

    manifest: str  # base64 of the publisher-signed manifest (canonical JSON)


@router.get("/packs/{pack_id}/{version}", response_model=SignedManifest)
def pack_manifest(
    pack_id: str,
    version: str,
    request: Request,
    station: StationDep,
    session: SessionDep,
    signer: SignerDep,
) -> SignedManifest:
    """A version's publisher-signed manifest, in an envelope the server signs for this request."""
    pack = session.get(PublishedPack, (pack_id, version))
    session.commit()
    if pack is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"{pack_id} {version} is not published on this server",
        )
    document = {
        "pack_id": pack.pack_id,
        "version": pack.version,
        "manifest_sha256": hashlib.sha256(pack.manifest).hexdigest(),
        "signature": base64.b64encode(pack.signature).decode("ascii"),
        "station_id": station.id,
        "nonce": request.headers[NONCE_HEADER],
    }
    # The manifest itself goes beside the signed body, bound by its hash: base64 once.
    signed = signed_answer(signer, kind=MANIFEST_KIND, document=document)
    return SignedManifest(
        **signed.model_dump(), manifest=base64.b64encode(pack.manifest).decode("ascii")
    )


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) bytes asked for, or None for the whole blob.

    A header that is not one well-formed range is ignored (the whole blob is sent, as
    RFC 9110 allows). A range that starts past the end raises 416.
    """
    match = RANGE.fullmatch(header.strip()) if header else None
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first_text, last_text = match.groups()
    if first_text == "":
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # not a valid range: ignored
    if first >= size:
        raise _unsatisfiable(size)
    return first, size - 1 if last_text == "" else min(int(last_text), size - 1)


def _unsatisfiable(size: int) -> HTTPException:
    return HTTPException(
        status.HTTP_416_RANGE_NOT_SATISFIABLE,
        detail=f"the range starts past the end of the file ({size} bytes)",
        headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )


@router.get("/blobs/{sha256}")
def blob(sha256: str, request: Request, station: StationDep, session: SessionDep) -> Response:
    """A pack file's bytes by SHA-256: whole (200) or the range asked for (206)."""
    del station
    if not SHA256.fullmatch(sha256):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail="not a SHA-256: a file is named by 64 lower-case hex digits",
        )
    size = session.exec(
        select(ContentBlob.size).where(col(ContentBlob.sha256) == sha256)
    ).one_or_none()
    if size is None:
        session.commit()
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no published file has SHA-256 {sha256}"
        )
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except HTTPException:
        session.commit()
        raise
    first, last = (0, size - 1) if wanted is None else wanted
    # Only the asked-for bytes leave the database (substr counts from 1, for BLOB and bytea).
    part = session.exec(
        select(func.substr(ContentBlob.data, first + 1, last - first + 1)).where(
            col(ContentBlob.sha256) == sha256
        )
    ).one()
    session.commit()  # end the read before the body goes out (SQLite holds a lock till then)
    data = bytes(part) if part is not None else b""
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{sha256}"'}
    if wanted is None:
        return Response(data, media_type="application/octet-stream", headers=headers)
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return Response(
        data,
        status_code=status.HTTP_206_PARTIAL_CONTENT,
        media_type="application/octet-stream",
        headers=headers,
    )
