"""A loopback HTTP proxy that counts the bytes on the wire and can cut a download.

Each connection carries one request (the proxy asks for ``Connection: close``). Answers
are streamed through as they arrive, so a cut after N body bytes is a real one: the
station has received exactly those bytes when its connection is reset (RST) or closed.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.sync.proxy import read_request

PACE_STEP = 16 * 1024


@dataclass
class Exchange:
    """One request seen by the proxy: its first line and the bytes each way."""

    request_line: str
    head: str  # the request's head: its line and headers
    sent: int = 0  # request bytes, head and body
    received: int = 0  # answer bytes, head and body
    body: int = 0  # answer body bytes
    started: float = 0.0  # when the answer body began (for pacing)


@dataclass
class WireProxy:
    """Forwards to ``target``; cuts once, after ``cut_after`` answer-body bytes in all of
    the requests whose first line contains ``cut_path``."""

    target: tuple[str, int]
    cut_after: int | None = None
    cut_path: str = ""
    reset: bool = True  # cut with RST (a pulled cable); False: a clean close (FIN)
    rate: float | None = None  # answer-body bytes a second per connection (a slower link)
    exchanges: list[Exchange] = field(default_factory=list)
    cut: bool = False
    _counted: int = 0  # body bytes counted towards the cut
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.02)
        self.port: int = self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def total(self) -> int:
        """Every byte both ways, heads included."""
        return sum(e.sent + e.received for e in self.exchanges)

    def body_bytes(self, path_part: str = "") -> int:
        """Answer-body bytes of requests whose first line contains ``path_part``."""
        return sum(e.body for e in self.exchanges if path_part in e.request_line)

    def requests_to(self, path_part: str) -> int:
        return sum(1 for e in self.exchanges if path_part in e.request_line)

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

    def _budget(self, exchange: Exchange, wanted: int) -> int:
        """How many of ``wanted`` body bytes may pass now."""
        with self._lock:
            if self.cut_after is None or self.cut or self.cut_path not in exchange.request_line:
                return wanted
            allowed = max(0, min(wanted, self.cut_after - self._counted))
            self._counted += allowed
            if allowed < wanted:
                self.cut = True
            return allowed

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            request = read_request(conn)
            if request is None:
                return
            head = request.partition(b"\r\n\r\n")[0].decode("latin-1")
            exchange = Exchange(head.split("\r\n", 1)[0], head, len(request))
            with self._lock:
                self.exchanges.append(exchange)
            with socket.create_connection(self.target, timeout=30) as upstream:
                upstream.sendall(request)
                answer = b""
                while chunk := upstream.recv(65536):
                    if b"\r\n\r\n" not in answer:
                        answer += chunk
                        if b"\r\n\r\n" not in answer:
                            continue
                        start, _, chunk = answer.partition(b"\r\n\r\n")
                        conn.sendall(start + b"\r\n\r\n")
                        exchange.received += len(start) + 4
                    allowed = self._budget(exchange, len(chunk))
                    self._send_body(conn, chunk[:allowed], exchange)
                    if allowed < len(chunk):
                        self._cut(conn)
                        return

    def _send_body(self, conn: socket.socket, data: bytes, exchange: Exchange) -> None:
        """Forward answer-body bytes, no faster than ``rate`` bytes a second if set."""
        step = len(data) if self.rate is None else PACE_STEP
        for at in range(0, len(data), max(step, 1)):
            piece = data[at : at + step]
            if self.rate is not None:
                started = exchange.started or time.monotonic()
                exchange.started = started
                wait = started + (exchange.body + len(piece)) / self.rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            conn.sendall(piece)
            exchange.received += len(piece)
            exchange.body += len(piece)

    def _cut(self, conn: socket.socket) -> None:
        if self.reset:
            # Linger 0: close sends RST, as a crashed router or a pulled cable would.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.shutdown(socket.SHUT_RDWR)


@contextmanager
def wire_proxy(
    target_url: str,
    *,
    cut_after: int | None = None,
    cut_path: str = "",
    reset: bool = True,
    rate: float | None = None,
) -> Iterator[WireProxy]:
    """A running WireProxy in front of ``target_url`` (http://host:port)."""
    host, port = target_url.removeprefix("http://").split(":")
    proxy = WireProxy(
        (host, int(port)), cut_after=cut_after, cut_path=cut_path, reset=reset, rate=rate
    )
    thread = threading.Thread(target=proxy.serve, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.close()
        thread.join(timeout=10)
