"""A fault-injecting HTTP proxy on loopback: one request per connection, a fault per request."""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

PASS = "pass"
DROP = "drop"  # close the connection before forwarding: the server never sees it
RESET = "reset"  # forward, let the server commit, then reset half-way through the answer
DELAY = "delay"  # forward after a few milliseconds
DUPLICATE = "duplicate"  # send the same request to the server twice at once
ERROR_503 = "503"  # answer 503 without forwarding
GARBAGE = "garbage"  # answer 200 with a body that is not JSON
REWRITE = "rewrite"  # forward, then hand (request, answer) to ``rewrite``: a network in the middle

# (request bytes, answer bytes) -> the answer the station gets instead.
Rewrite = Callable[[bytes, bytes], bytes]

CANNED = {
    ERROR_503: b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n",
    GARBAGE: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
    b"Connection: close\r\n\r\nnot json!",
}


def read_request(conn: socket.socket) -> bytes | None:
    """One whole HTTP request (headers and Content-Length body), or None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    # Closing after every answer keeps request boundaries simple to find.
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


class FaultProxy:
    """Forwards to ``target``; each request meets a fault drawn from ``modes`` (seeded)."""

    def __init__(
        self,
        target: tuple[str, int],
        *,
        modes: Sequence[str],
        seed: int,
        rewrite: Rewrite | None = None,
    ) -> None:
        self.target = target
        self.rewrite = rewrite
        self.modes = list(modes)
        self.rng = random.Random(seed)
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        # Closing a socket does not wake a thread blocked in accept(): poll a stop flag.
        self._listener.settimeout(0.02)
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(30)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        self._listener.close()

    def close(self) -> None:
        self._stop.set()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.target, timeout=30) as upstream:
            upstream.sendall(request)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
            return answer

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            request = read_request(conn)
            if request is None:
                return
            with self._lock:
                mode = self.rng.choice(self.modes)
                self.seen[mode] += 1
            if mode == DROP:
                return
            if mode in CANNED:
                conn.sendall(CANNED[mode])
                return
            if mode == DELAY:
                time.sleep(0.003)
            if mode == DUPLICATE:
                answers: list[bytes] = []
                twin = threading.Thread(target=lambda: answers.append(self._forward(request)))
                twin.start()
                answer = self._forward(request)
                twin.join()
            else:
                answer = self._forward(request)
            if mode == REWRITE and self.rewrite is not None:
                answer = self.rewrite(request, answer)
            if mode == RESET:
                conn.sendall(answer[: len(answer) // 2])
                # Linger 0: close sends RST, as a crashed router or a pulled cable would.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            conn.sendall(answer)


@contextmanager
def fault_proxy(
    target_url: str, *, modes: Sequence[str], seed: int, rewrite: Rewrite | None = None
) -> Iterator[FaultProxy]:
    """A running FaultProxy in front of ``target_url`` (http://host:port)."""
    host, port = target_url.removeprefix("http://").split(":")
    proxy = FaultProxy((host, int(port)), modes=modes, seed=seed, rewrite=rewrite)
    thread = threading.Thread(target=proxy.serve, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.close()
        thread.join(timeout=10)
