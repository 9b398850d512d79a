"""A minimal station-side pusher for the tests: builds, signs and posts batches."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.signing import signed_headers

PUSH_PATH = "/api/v1/push"
START = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def make_event(seq: int, *, kind: str = "skill_studied", **body: Any) -> dict[str, Any]:
    """An event as the outbox holds it, in the push request's shape."""
    at = START + timedelta(seconds=seq)
    text = canonical_json({"kind": kind, "skill": "safety", **body}).decode("utf-8")
    return {
        "id": uuid7(unix_ms=int(at.timestamp() * 1000)),
        "seq": seq,
        "kind": kind,
        "body": text,
        "body_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def push(
    base_url: str,
    station: Any,
    events: list[dict[str, Any]],
    *,
    key: Any = None,
    timestamp: int | None = None,
    nonce: str | None = None,
    tamper: Any = None,
) -> requests.Response:
    """Sign and POST a batch; ``tamper`` may change the bytes after signing."""
    body = json.dumps({"events": events}).encode("utf-8")
    headers = signed_headers(
        key=key or station.key,
        station_id=station.id,
        method="POST",
        path=PUSH_PATH,
        body=body,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        nonce=nonce,
    )
    if tamper is not None:
        body = tamper(body)
    headers["Content-Type"] = "application/json"
    return requests.post(base_url + PUSH_PATH, data=body, headers=headers, timeout=30)
