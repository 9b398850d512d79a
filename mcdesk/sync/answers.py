"""Signed server answers (pull pages, manifests): checked against the pinned key and the request.

A server answer comes in the signed-file envelope (mcdesk.protocol.files) and names the
station and the request it answers, including the request's random nonce. Checking the
signature with the pinned key stops an edit on the way; checking the names stops a page
meant for another station, or recorded from an earlier request, from being used here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.jsonread import JsonRefused
from mcdesk.jsonread import read_json as read_untrusted
from mcdesk.protocol.files import FileRefused, open_signed
from mcdesk.protocol.signing import NONCE_HEADER, STATION_HEADER
from mcdesk.sync.client import NOT_UNDERSTOOD, SyncError, read_json
from mcdesk.sync.status import NOTHING_USED

# A pull page is at most 500 items; code slots and roster hashes are a few hundred bytes.
MAX_ANSWER_BYTES = 64 * 1024 * 1024


def signed_answer_body(
    response: requests.Response,
    *,
    kind: str,
    key: Ed25519PublicKey,
    what: str,
    asked: Mapping[str, object],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The envelope and its checked body, answering ``response``'s request; SyncError otherwise.

    ``asked`` holds what the request asked for (stream, cursor, pack); the station and the
    nonce are taken from the request as it was sent. Fields of the envelope beside the
    body are not signed: a caller trusts one only through a hash the body holds.
    """
    envelope = read_json(response)
    try:
        body = open_signed(envelope, kind=kind, key=key, what=what)
        answer = read_untrusted(body, what=what, max_bytes=MAX_ANSWER_BYTES)
    except (FileRefused, JsonRefused) as exc:
        raise SyncError(f"{exc}; {NOTHING_USED}") from None
    if not isinstance(answer, dict):
        raise SyncError(NOT_UNDERSTOOD)
    sent = response.request.headers
    if answer.get("station_id") != sent.get(STATION_HEADER):
        raise SyncError(f"{what} was meant for another station; {NOTHING_USED}")
    if answer.get("nonce") != sent.get(NONCE_HEADER):
        raise SyncError(
            f"{what} answers an earlier request (it was recorded and sent again); {NOTHING_USED}"
        )
    for name, wanted in asked.items():
        if answer.get(name) != wanted:
            raise SyncError(
                f"{what} answers another request ({name} {answer.get(name)!r}, "
                f"asked {wanted!r}); {NOTHING_USED}"
            )
    return envelope, answer
