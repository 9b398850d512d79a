"""Every route takes a body of the size it needs, counted before anything parses it."""

from __future__ import annotations

import json
import select
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from tests.server.conftest import RunningServer

CHUNK = 64 * 1024
HOSTILE = 200 * 1024 * 1024  # what the attack streamed at POST /api/v1/enroll
# Loopback socket buffers can hold a few MiB that the server never read; past this, it did.
UNREAD_SLACK = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Streamed:
    sent: int  # body bytes the client got onto the wire before the server answered or closed
    status: int
    detail: str


def _answer(raw: bytes) -> tuple[int, str]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    text = body.decode("utf-8")
    # uvicorn answers a request it cannot parse at all with plain text.
    return status, json.loads(text)["detail"] if text.startswith("{") else text


def stream_chunked(
    base_url: str, path: str, *, total: int = HOSTILE, method: str = "POST"
) -> Streamed:
    """POST an endless chunked body (no Content-Length), reading the answer as soon as it comes."""
    url = urlsplit(base_url)
    received = b""
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode("ascii")
        )
        chunk = f"{CHUNK:x}\r\n".encode("ascii") + b"[" * CHUNK + b"\r\n"
        try:
            while sent < total:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(chunk)
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while data := sock.recv(65536):
                received += data
        except ConnectionResetError:
            pass
    status, detail = _answer(received)
    return Streamed(sent=sent, status=status, detail=detail)


def declare_length(base_url: str, path: str, *, length: str, method: str = "POST") -> Streamed:
    """Send only headers that announce a body of ``length`` bytes; the answer must come first."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(
            f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n".encode("ascii")
        )
        received = b""
        while data := sock.recv(65536):
            received += data
    status, detail = _answer(received)
    return Streamed(sent=0, status=status, detail=detail)


def test_an_endless_chunked_enrolment_is_refused_and_no_longer_read(
    server: RunningServer,
) -> None:
    streamed = stream_chunked(server.base_url, "/api/v1/enroll")
    assert streamed.status == 413
    assert "POST /api/v1/enroll takes at most 4,096 bytes" in streamed.detail
    assert streamed.sent < UNREAD_SLACK  # the server stopped reading: 200 MB never went in


def test_a_declared_length_over_the_limit_is_refused_before_the_body(
    server: RunningServer,
) -> None:
    for path in ("/api/v1/enroll", "/teacher"):
        answer = declare_length(server.base_url, path, length="200000000")
        assert answer.status == 413, path
        assert "takes at most 4,096 bytes" in answer.detail
    huge = declare_length(server.base_url, "/api/v1/push", length="9" * 5000)
    assert huge.status in (400, 413)  # a length past any int64 is no length at all


def test_the_teacher_form_takes_a_small_form_only(server: RunningServer) -> None:
    big = requests.post(
        server.url("/teacher"),
        data={"username": "x" * 5000, "password": "y"},
        timeout=30,
    )
    assert big.status_code == 413
    assert "POST /teacher takes at most 4,096 bytes" in big.json()["detail"]
    small = requests.post(
        server.url("/teacher"), data={"username": "x", "password": "y"}, timeout=30
    )
    assert small.status_code == 403  # through the limit; refused for its missing CSRF token


def test_a_get_takes_no_body(server: RunningServer) -> None:
    streamed = stream_chunked(server.base_url, "/api/v1/server-key", total=4 * CHUNK, method="GET")
    assert streamed.status == 413
    assert streamed.detail == "GET /api/v1/server-key takes no request body; send it without one"


def test_a_photo_a_little_too_big_for_the_verify_page_gets_words_every_time(
    server: RunningServer,
) -> None:
    """A refused body a few times the route's limit is read and dropped before the 413:
    answered while the client was still sending, the connection closed with unread bytes
    and was reset, and the words were lost (seen once in CI as an IncompleteRead)."""
    photo = b"\x89PNG" + b"\x00" * (3 * 1024 * 1024)  # 3 MiB: the page takes 2 MiB
    for _ in range(8):
        answer = requests.post(
            server.url("/verify"), files={"badge": ("photo.png", photo)}, timeout=30
        )
        assert answer.status_code == 413
        assert "too large" in answer.text


def test_what_is_read_before_a_refusal_is_bounded() -> None:
    from mcdesk.server.bodylimit import DRAIN_BYTES, MAX_DRAIN_BYTES, drained_up_to

    assert drained_up_to(4 * 1024) == DRAIN_BYTES  # the enrolment: a form's worth
    assert drained_up_to(2 * 1024 * 1024) == 8 * 1024 * 1024  # the verify page: 4× its limit
    assert drained_up_to(32 * 1024 * 1024) == MAX_DRAIN_BYTES  # a push: never past the cap
