"""Badge documents as the server sends them, issued for real with mcdesk.badges."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.badges.issue import issue_badge
from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.keys import public_key_b64
from mcdesk.store.connection import opened
from mcdesk.sync.status import SERVER_PUBLIC_KEY
from tests.badges.samples import sample_award

VERIFY_BASE = "https://badges.lincoln.example.org/verify/"


def pin(database: Any, key: Ed25519PrivateKey) -> None:
    """Pin ``key`` as this station's server key, as a first sync does."""
    with opened(database) as connection:
        connection.execute(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
            (SERVER_PUBLIC_KEY, public_key_b64(key.public_key())),
        )


def badge_document(
    key: Ed25519PrivateKey,
    *,
    number: int = 1,
    learner_id: str = "l1",
    pack_id: str = "basic-construction-math",
    status: str = "issued",
    reason: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """One badge document of the contract (docs/badges.md), signed by ``key``."""
    credential_id = f"urn:uuid:0193f5a2-7c1e-7d3a-9a51-3c2b1e0f4d{number:02d}"
    award = dataclasses.replace(
        sample_award(issuer_key_from_private(key), valid_until=valid_until),
        credential_id=credential_id,
    )
    issued = issue_badge(award=award, key=issuer_key_from_private(key), public_base_url=None)
    return {
        "credential_id": credential_id,
        "learner_id": learner_id,
        "pack_id": pack_id,
        "result_id": f"result-{number}",
        "status": status,
        "jwt": issued.jwt,
        "assertion_jws": issued.assertion_jws,
        "verify_url": VERIFY_BASE + credential_id,
        "issued_at": "2026-11-02T15:30:00Z",
        "revoked_reason": reason,
    }


def add_pack(database: Any, pack_id: str, title: str, cluster: str) -> None:
    """A catalog row, enough for the wallet's titles and clusters."""
    with opened(database) as connection:
        connection.execute(
            "INSERT INTO pack (id, version, title, career_cluster, summary, skill_titles,"
            " preview, publisher_key_id, manifest, signature, installed_at)"
            " VALUES (?, '1.0.0', ?, ?, '', '[]', 0, 'k', x'', x'', '2026-09-01')",
            (pack_id, title, cluster),
        )


def add_pass(database: Any, *, learner_id: str, pack_id: str, result_id: str, sent: bool) -> None:
    """A passed attempt with its result event, acknowledged by the server or not."""
    body = json.dumps({"result_id": result_id}).encode()
    with opened(database) as connection:
        seq = connection.execute("SELECT coalesce(max(seq), 0) + 1 FROM outbox").fetchone()[0]
        connection.execute(
            "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state,"
            " time_limit_s, created_at, ended_at, passed, result_id)"
            " VALUES (?, ?, ?, '1.0.0', 1, '{}', 'submitted', 60,"
            " '2026-11-01', '2026-11-01', 1, ?)",
            (f"a-{result_id}", learner_id, pack_id, result_id),
        )
        connection.execute(
            "INSERT INTO outbox (id, seq, kind, body, created_at)"
            " VALUES (?, ?, 'exam_result', ?, '2026-11-01')",
            (f"e-{result_id}", seq, body),
        )
        if sent:
            connection.execute(
                "INSERT INTO receipt (event_id, body, signature, received_at)"
                " VALUES (?, x'', x'', '2026-11-01')",
                (f"e-{result_id}",),
            )
