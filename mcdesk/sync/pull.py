"""Pulling streams: pages of changes after a stored cursor, each page applied atomically.

A page's items are applied and the stream's cursor advanced in one local transaction, so
an interruption leaves the station either before or after the page, never half-way; the
next pull asks again from the stored cursor. Appliers (one per stream) own their tables.

Every page is checked against the pinned server key and the request it answers
(mcdesk.sync.answers) before any of it is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session

from mcdesk.protocol.documents import MAX_PULL_PAGE, PULL_PATH
from mcdesk.protocol.files import PULL_PAGE_KIND
from mcdesk.protocol.signing import signed_headers
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import SyncState
from mcdesk.sync.answers import signed_answer_body
from mcdesk.sync.client import NOT_UNDERSTOOD, SyncError, endpoint, refusal, send

CURSOR_PREFIX = "cursor:"
# The server's own limit; more pages follow while it says ``more``.
PAGE = MAX_PULL_PAGE  # the most the server gives; tests shrink it
MAX_PAGES = 10_000  # a server that always says "more" must not keep a station forever

Item = tuple[str, dict[str, Any] | None]
# Applies a page of (key, document-or-None) in the caller's transaction; raises
# PullRefused when the page cannot be used (then nothing of it is stored).
Applier = Callable[[Session, list[Item], datetime], None]


class PullRefused(Exception):
    """A page that cannot be applied; the message says what is wrong."""


@dataclass(slots=True)
class PullReport:
    items: dict[str, int] = field(default_factory=dict)  # per stream, items applied
    pages: int = 0


def cursor_of(session: Session, stream: str) -> int:
    row = session.get(SyncState, CURSOR_PREFIX + stream)
    return 0 if row is None else int(row.value)


def _items(answer: Any, stream: str) -> tuple[list[Item], int, bool]:
    try:
        if answer["stream"] != stream:
            raise SyncError(NOT_UNDERSTOOD)
        items: list[Item] = []
        for raw in answer["items"]:
            key, document = raw["key"], raw["document"]
            if not isinstance(key, str) or not (document is None or isinstance(document, dict)):
                raise SyncError(NOT_UNDERSTOOD)
            items.append((key, document))
        cursor, more = answer["cursor"], answer["more"]
    except (KeyError, TypeError):
        raise SyncError(NOT_UNDERSTOOD) from None
    if not isinstance(cursor, int) or not isinstance(more, bool) or cursor < 0:
        raise SyncError(NOT_UNDERSTOOD)
    return items, cursor, more


def pull_streams(
    *,
    database: Path,
    station_key: Ed25519PrivateKey,
    station_id: str,
    server_url: str,
    server_public_key: Ed25519PublicKey,
    appliers: Mapping[str, Applier],
    session: requests.Session | None = None,
    timeout: float = 30,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PullReport:
    """Pull every stream in ``appliers`` (in that order) to its end; SyncError on failure.

    Pages applied before a failure stay applied (their cursor is stored with them).
    Every page must be signed by ``server_public_key`` (the pinned key) for this request.
    """
    http = session or requests.Session()
    report = PullReport()
    engine = make_engine(database)
    try:
        for stream, apply in appliers.items():
            url, path = endpoint(server_url, PULL_PATH + stream)
            for _ in range(MAX_PAGES):
                with Session(engine) as db:
                    after = cursor_of(db, stream)
                headers = signed_headers(
                    key=station_key,
                    station_id=station_id,
                    method="GET",
                    path=path,
                    body=b"",
                    timestamp=int(now().timestamp()),
                )
                response = send(
                    http,
                    "GET",
                    url,
                    timeout=timeout,
                    params={"after": after, "limit": PAGE},
                    headers=headers,
                )
                if response.status_code != 200:
                    raise refusal(response)
                _, answer = signed_answer_body(
                    response,
                    kind=PULL_PAGE_KIND,
                    key=server_public_key,
                    what=f"a {stream} page from the server",
                    asked={"stream": stream, "after": after},
                )
                items, cursor, more = _items(answer, stream)
                if cursor < after:
                    raise SyncError(NOT_UNDERSTOOD)
                with Session(engine) as db:
                    try:
                        apply(db, items, now())
                    except PullRefused as exc:
                        db.rollback()
                        raise SyncError(
                            f"the server sent {stream} data this station cannot use: {exc}"
                        ) from None
                    db.merge(SyncState(key=CURSOR_PREFIX + stream, value=str(cursor)))
                    db.commit()
                report.items[stream] = report.items.get(stream, 0) + len(items)
                report.pages += 1
                if not more:
                    break
    finally:
        engine.dispose()
    return report
