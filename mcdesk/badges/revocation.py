"""The revocation check: 3.0 through the signed status list, 2.0 through its revocation list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mcdesk.badges.baking import BadgeVersion
from mcdesk.badges.status_list import (
    MAX_DOCUMENT_BYTES,
    RevocationState,
    StatusRefused,
    StatusUnavailable,
    read_status,
)
from mcdesk.badges.verdict import Check, CheckState
from mcdesk.jsonread import JsonRefused, read_json

_NAME = "revocation"


def _fetch(fetch_status: Callable[[str], bytes] | None, url: str) -> bytes | Check:
    if fetch_status is None:
        return Check(
            _NAME, CheckState.COULD_NOT_CHECK, f"offline: the list at {url} was not fetched"
        )
    try:
        document = fetch_status(url)
    except StatusUnavailable as exc:
        return Check(
            _NAME, CheckState.COULD_NOT_CHECK, f"the list at {url} could not be fetched: {exc}"
        )
    if len(document) > MAX_DOCUMENT_BYTES:
        return Check(_NAME, CheckState.COULD_NOT_CHECK, f"the list at {url} is too large")
    return document


def _ob3(
    payload: Mapping[str, Any], fetch_status: Callable[[str], bytes] | None, did: str
) -> Check:
    status = payload.get("credentialStatus")
    if status is None:
        return Check(
            _NAME, CheckState.PASSED, "the credential names no status list; it cannot be revoked"
        )
    if not isinstance(status, dict) or status.get("type") != "BitstringStatusListEntry":
        kind = status.get("type") if isinstance(status, dict) else status
        return Check(_NAME, CheckState.COULD_NOT_CHECK, f"unknown status method {kind!r}")
    url, index_text = status.get("statusListCredential"), status.get("statusListIndex")
    if status.get("statusPurpose") != "revocation":
        return Check(_NAME, CheckState.COULD_NOT_CHECK, "the status entry is not for revocation")
    if not isinstance(url, str) or not isinstance(index_text, str) or not index_text.isdigit():
        return Check(_NAME, CheckState.COULD_NOT_CHECK, "the status entry has no list URL or index")
    if len(index_text) > 12:
        return Check(_NAME, CheckState.COULD_NOT_CHECK, "the status index is out of range")
    fetched = _fetch(fetch_status, url)
    if isinstance(fetched, Check):
        return fetched
    try:
        reading = read_status(document=fetched, issuer_did=did, list_url=url, index=int(index_text))
    except StatusRefused as exc:
        return Check(_NAME, CheckState.COULD_NOT_CHECK, f"the status list cannot be trusted: {exc}")
    as_of = f" (list of {reading.list_valid_from})" if reading.list_valid_from else ""
    if reading.state is RevocationState.REVOKED:
        return Check(_NAME, CheckState.FAILED, f"revoked by its issuer{as_of}")
    return Check(_NAME, CheckState.PASSED, f"not revoked{as_of}")


def _ob2(payload: Mapping[str, Any], fetch_status: Callable[[str], bytes] | None) -> Check:
    badge = payload.get("badge")
    issuer = badge.get("issuer") if isinstance(badge, dict) else None
    url = issuer.get("revocationList") if isinstance(issuer, dict) else None
    if url is None:
        return Check(_NAME, CheckState.PASSED, "the issuer publishes no revocation list for it")
    if not isinstance(url, str):
        return Check(_NAME, CheckState.COULD_NOT_CHECK, "the revocation list link is not a URL")
    fetched = _fetch(fetch_status, url)
    if isinstance(fetched, Check):
        return fetched
    try:
        document = read_json(fetched, what="the revocation list", max_bytes=MAX_DOCUMENT_BYTES)
    except JsonRefused as exc:
        return Check(_NAME, CheckState.COULD_NOT_CHECK, str(exc))
    entries = document.get("revokedAssertions") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return Check(
            _NAME, CheckState.COULD_NOT_CHECK, "the revocation list has no revokedAssertions"
        )
    for entry in entries:
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if entry_id == payload.get("id"):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            return Check(
                _NAME, CheckState.FAILED, f"revoked by its issuer{f': {reason}' if reason else ''}"
            )
    return Check(_NAME, CheckState.PASSED, "not on the issuer's revocation list")


def check_revocation(
    *,
    payload: Mapping[str, Any],
    version: BadgeVersion,
    fetch_status: Callable[[str], bytes] | None,
    issuer_did: str,
) -> Check:
    """Whether the issuer revoked it; 'could not check' whenever the list is out of reach."""
    if version is BadgeVersion.OB3:
        return _ob3(payload, fetch_status, issuer_did)
    return _ob2(payload, fetch_status)
