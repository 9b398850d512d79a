"""Pack files by SHA-256 from the server into a staging folder, resumed with HTTP Range.

``<sha>.part`` holds the bytes received so far; a later attempt asks for the rest with
``Range: bytes=N-``. Once complete, its size and SHA-256 are checked and it becomes
``<sha>.blob``; a file that does not match is deleted, to be fetched whole next time.
Nothing here touches the station's database.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests
import urllib3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.content.errors import PackRefused
from mcdesk.protocol.signing import signed_headers
from mcdesk.sync.client import SyncError, endpoint, refusal, send

BLOBS_PATH = "/api/v1/blobs/"
CHUNK = 64 * 1024
PART, DONE = ".part", ".blob"
STAGED = re.compile(r"([0-9a-f]{64})\.(part|blob)")
BROKEN = "the connection broke during a download; it resumes from there at the next sync"

# progress(done_bytes, total_bytes, detail): bytes of this call's downloads.
ContentProgress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class SignedServer:
    """The server as one station talks to it: every request signed by the station key."""

    http: requests.Session
    station_key: Ed25519PrivateKey
    station_id: str
    base_url: str
    timeout: float
    now: Callable[[], datetime]

    def get(
        self, path: str, *, headers: Mapping[str, str] | None = None, stream: bool = False
    ) -> requests.Response:
        """A signed GET (empty body); transport failures and 5xx raise SyncError."""
        url, signed_path = endpoint(self.base_url, path)
        sent = signed_headers(
            key=self.station_key,
            station_id=self.station_id,
            method="GET",
            path=signed_path,
            body=b"",
            timestamp=int(self.now().timestamp()),
        )
        sent.update(headers or {})
        return send(self.http, "GET", url, timeout=self.timeout, headers=sent, stream=stream)


@dataclass(slots=True)
class Meter:
    """Bytes fetched so far against the bytes this call has to fetch."""

    total: int
    progress: ContentProgress | None
    done: int = 0
    files: int = 0

    def add(self, count: int, detail: str) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done), detail)


def _damaged(part: Path, label: str) -> PackRefused:
    part.unlink(missing_ok=True)
    return PackRefused(
        f"{label} arrived damaged (not the bytes its signed manifest names); it was "
        "deleted and will be fetched again at the next sync"
    )


def download(
    server: SignedServer, staging: Path, *, sha256: str, size: int, label: str, meter: Meter
) -> None:
    """Bring one file to ``<sha>.blob``, resuming its ``.part``; its SHA-256 checked."""
    done = staging / (sha256 + DONE)
    if done.exists():
        return
    staging.mkdir(parents=True, exist_ok=True)
    part = staging / (sha256 + PART)
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    if have < size or not part.exists():
        headers = {"Accept-Encoding": "identity"}
        if have:
            headers["Range"] = f"bytes={have}-"
        response = server.get(BLOBS_PATH + sha256, headers=headers, stream=True)
        with response:
            if response.status_code == 404:
                raise PackRefused(f"the server does not have {label}; try again later")
            if response.status_code == 416:
                raise _damaged(part, label)
            if response.status_code == 206 and have:
                if response.headers.get("Content-Range") != f"bytes {have}-{size - 1}/{size}":
                    raise _damaged(part, label)
            elif response.status_code == 200:
                have = 0  # the whole file came back: start the part again
            else:
                raise refusal(response)
            have = _receive(response, part, have=have, size=size, label=label, meter=meter)
    if have != size:
        raise SyncError(BROKEN)
    if _sha256_of(part) != sha256:
        raise _damaged(part, label)
    os.replace(part, done)
    meter.files += 1


def _receive(
    response: requests.Response, part: Path, *, have: int, size: int, label: str, meter: Meter
) -> int:
    """Append the answer's bytes to ``part`` as they arrive; how many it then holds.

    Whatever arrived before a broken connection is on disk (and synced) for the resume.
    """
    too_long = False
    with part.open("ab" if have else "wb") as out:
        try:
            # read1 hands bytes over as they arrive, so a connection that breaks mid-read
            # loses nothing already received (read() drops its partial buffer with the error).
            while chunk := response.raw.read1(CHUNK):
                if have + len(chunk) > size:
                    too_long = True
                    break
                out.write(chunk)
                have += len(chunk)
                meter.add(len(chunk), f"downloading {label}")
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
            raise SyncError(BROKEN) from None
        finally:
            out.flush()
            os.fsync(out.fileno())
    if too_long:
        raise _damaged(part, label)
    return have


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def staged_size(staging: Path, sha256: str, size: int) -> int:
    if (staging / (sha256 + DONE)).exists():
        return size
    part = staging / (sha256 + PART)
    return min(part.stat().st_size, size) if part.exists() else 0


def discard(staging: Path, shas: Iterable[str]) -> None:
    """Remove these files' staging copies (their pack is installed: the store has them)."""
    for sha256 in shas:
        for suffix in (PART, DONE):
            (staging / (sha256 + suffix)).unlink(missing_ok=True)


def sweep(staging: Path, keep: set[str]) -> None:
    """Remove staged files no pack still waiting needs (installed, or superseded)."""
    if not staging.is_dir():
        return
    for path in staging.iterdir():
        match = STAGED.fullmatch(path.name)
        if match is not None and match.group(1) not in keep:
            path.unlink(missing_ok=True)


def read_staged(staging: Path, sha256: str) -> bytes | None:
    """A completed download, re-checked (a disk can fail too); None if absent or damaged."""
    path = staging / (sha256 + DONE)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        path.unlink(missing_ok=True)
        return None
    return data
