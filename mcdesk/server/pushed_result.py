"""A pushed ``exam_result`` event's result: its station signature checked, its row made.

The event carries the result document as base64 of the exact bytes the station signed,
with the signature beside it; the server reads the result only from those bytes.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.jsonread import read_json
from mcdesk.keys import verify_signature
from mcdesk.server.batch import NewResult
from mcdesk.server.bodylimit import PUSH_BODY_BYTES
from mcdesk.server.storable import storable_int, storable_text

# An event, or the result it carries, is part of one push body and never larger.
MAX_DOCUMENT_BYTES = PUSH_BODY_BYTES

RESULT_FIELDS = (
    "id",
    "attempt_id",
    "learner_id",
    "pack_id",
    "pack_version",
    "form",
    "responses",
    "score",
    "event_counter",
    "chain_hash",
)
TEXT_FIELDS = ("id", "attempt_id", "learner_id", "pack_id", "pack_version", "chain_hash")


def signed_result(
    document: dict[str, Any], key: Ed25519PublicKey
) -> tuple[dict[str, Any] | None, str]:
    """The verified result document, or None and why its station signature does not hold."""
    try:
        signed = base64.b64decode(document["result"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
        result = read_json(signed, what="the result", max_bytes=MAX_DOCUMENT_BYTES)
    except (KeyError, TypeError, ValueError, binascii.Error):  # JsonRefused is a ValueError
        return None, "the result or its signature is missing or not base64 JSON"
    if not verify_signature(key, signature, signed):
        return None, "the result is not signed by this station's key"
    if not isinstance(result, dict) or result.get("id") != document.get("result_id"):
        return None, "result_id does not match the signed result"
    return result, ""


def result_row(
    result: dict[str, Any], *, station_id: str, event_id: str, now: datetime
) -> NewResult | None:
    """The result row for a verified document, or None if the document lacks a field."""
    try:
        missing = [name for name in RESULT_FIELDS if name not in result]
        if missing:
            return None
        score = result["score"]
        text = {name: storable_text(str(result[name])) for name in TEXT_FIELDS}
        return NewResult(
            id=text["id"],
            attempt_id=text["attempt_id"],
            learner_id=text["learner_id"],
            pack_id=text["pack_id"],
            pack_version=text["pack_version"],
            chain_hash=text["chain_hash"],
            station_id=station_id,
            event_id=event_id,
            station_points=float(score["points"]),
            max_points=float(score["max_points"]),
            passed=bool(score["passed"]),
            event_counter=storable_int(int(result["event_counter"])),
            received_at=now,
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
