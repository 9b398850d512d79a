"""Badges into the station's wallet, by either road: the ``badges`` stream or the receipts file.

Each document (docs/badges.md, the contract) is checked with the one verifier,
``mcdesk.badges.verify_badge``, trusting only the did:key of the server key this station
pinned. Security rule: a badge that fails is not stored and its reason is logged in words;
it never refuses the page, so one bad badge cannot stop every later badge from arriving.
"""

from __future__ import annotations

import base64
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session

from mcdesk.badges.didkey import did_key_for
from mcdesk.badges.verify import verify_badge
from mcdesk.study.badge_exports import station_problem
from mcdesk.sync.documents import raw_connection, state_value
from mcdesk.sync.pull import Item
from mcdesk.sync.status import SERVER_PUBLIC_KEY

log = logging.getLogger(__name__)

STATUSES = ("issued", "revoked")
MAX_JWT_CHARS = 1024 * 1024  # the verifier's own chunk limit


@dataclass(slots=True)
class BadgeIntake:
    """What one road brought: badges stored, and those refused with the reason in words."""

    stored: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


def server_did(key_b64: str | None) -> str | None:
    """The did:key of the pinned server key (stored base64), or None before the first sync."""
    if key_b64 is None:
        return None
    return did_key_for(Ed25519PublicKey.from_public_bytes(base64.b64decode(key_b64)))


def _text(document: Mapping[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = document.get(name)
    if optional and (value is None or value == ""):
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} is missing or not text")
    return value


def _problem(document: Mapping[str, Any], *, issuer: str, now: datetime) -> str | None:
    """Why this badge document cannot be stored, or None when it can."""
    jwt = str(document["jwt"])
    if len(jwt) > MAX_JWT_CHARS:
        return "its credential is larger than 1 MiB"
    verdict = verify_badge(jwt.encode("utf-8"), now=now, trusted_issuers=[issuer])
    # Offline the verdict is at best "not confirmed" (no status list), and the station's
    # clock may lag the server's: what a station checks is signature, issuer and content.
    problem = station_problem(verdict)
    if problem is not None:
        return problem
    if verdict.credential is None or verdict.credential.get("id") != document["credential_id"]:
        return "its credential_id is not the id inside the signed credential"
    return None


def store_badges(
    connection: sqlite3.Connection, documents: list[Any], *, issuer: str | None, now: datetime
) -> BadgeIntake:
    """Verify and upsert each badge document in the caller's transaction; refusals are logged."""
    intake = BadgeIntake()
    for document in documents:
        label = "a badge"
        try:
            if not isinstance(document, dict):
                raise ValueError("it is not a JSON object")
            label = f"badge {str(document.get('credential_id'))[:80]}"
            values = {
                name: _text(document, name)
                for name in ("credential_id", "learner_id", "pack_id", "result_id", "jwt")
            }
            optional = {
                name: _text(document, name, optional=True)
                for name in ("assertion_jws", "verify_url", "revoked_reason")
            }
            status = document.get("status")
            if status not in STATUSES:
                raise ValueError("its status is neither issued nor revoked")
            issued_at = _text(document, "issued_at")
            if issuer is None:
                raise ValueError("this station has no pinned server key to check it against")
            problem = _problem(document, issuer=issuer, now=now)
            if problem is not None:
                raise ValueError(problem)
        except ValueError as exc:
            words = f"{label} was not stored: {exc}"
            log.warning("%s", words)
            intake.refused.append((label, words))
            continue
        connection.execute(
            "INSERT INTO badge (credential_id, learner_id, pack_id, result_id, status, jwt,"
            " assertion_jws, verify_url, issued_at, revoked_reason, received_at)"
            " VALUES (:credential_id, :learner_id, :pack_id, :result_id, :status, :jwt,"
            " :assertion_jws, :verify_url, :issued_at, :revoked_reason, :received_at)"
            " ON CONFLICT (credential_id) DO UPDATE SET status = excluded.status,"
            " revoked_reason = excluded.revoked_reason, verify_url = excluded.verify_url,"
            " assertion_jws = COALESCE(excluded.assertion_jws, badge.assertion_jws)",
            values
            | optional
            | {"status": status, "issued_at": issued_at, "received_at": now.isoformat()},
        )
        intake.stored += 1
    return intake


def apply_badges(session: Session, items: list[Item], now: datetime) -> None:
    """The ``badges`` stream: each document verified, then stored; a deletion is ignored."""
    documents = [document for _, document in items if document is not None]
    issuer = server_did(state_value(session, SERVER_PUBLIC_KEY))
    store_badges(raw_connection(session), documents, issuer=issuer, now=now)
