"""Put a real badge in a demo station's wallet, to look at the wallet and the badge page.

Usage: MCDESK_HOME=<home> python scripts/demo_badge.py "Grace Kim" [--revoked REASON]

It issues an Open Badges 3.0 credential with mcdesk.badges, signed by a throw-away
server-like key, and stores it through the station's own badge road (``store_badges``),
so it is checked exactly as a synced badge is. Run it after the app's first start.
"""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.badges.award import (
    AttemptEvidence,
    Award,
    IdentityKind,
    IssuerProfile,
    MicroCredentialSpec,
    SkillScore,
    SkillSpec,
    make_recipient,
)
from mcdesk.badges.issue import issue_badge
from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.paths import resolve_paths
from mcdesk.store.connection import opened
from mcdesk.sync.apply_badges import store_badges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("learner")
    parser.add_argument("--pack", default="basic-construction-math")
    parser.add_argument("--revoked")
    args = parser.parse_args()
    database = resolve_paths().database
    now = datetime.now(UTC)
    key = issuer_key_from_private(Ed25519PrivateKey.generate())
    with opened(database) as connection:
        (learner_id,) = connection.execute(
            "SELECT id FROM learner WHERE display_name = ?", (args.learner,)
        ).fetchone()
        title, cluster, skills = connection.execute(
            "SELECT title, career_cluster, skill_titles FROM pack WHERE id = ?", (args.pack,)
        ).fetchone()
        names = json.loads(skills)
        spec = MicroCredentialSpec(
            achievement_id=f"https://school.example.org/achievements/{args.pack}",
            name=title,
            description=f"The {title} micro-credential.",
            career_cluster=cluster,
            skills=tuple(SkillSpec(skill_id=f"s{i}", name=n) for i, n in enumerate(names)),
            image_url=None,
        )
        award = Award(
            credential_id=f"urn:uuid:{uuid.uuid4()}",
            issuer=IssuerProfile(did=key.did, name="Lincoln High School", url=None),
            micro_credential=spec,
            recipient=make_recipient(
                identity=learner_id, kind=IdentityKind.LEARNER_ID, salt=uuid.uuid4().hex[:8]
            ),
            scores=tuple(
                SkillScore(skill_id=f"s{i}", percent=90 - 5 * i) for i in range(len(names))
            ),
            assessed_at=now - timedelta(hours=2),
            issued_at=now - timedelta(hours=1),
            evidence=AttemptEvidence(attempt_id=str(uuid.uuid4())),
        )
        issued = issue_badge(award=award, key=key, public_base_url=None)
        document = {
            "credential_id": award.credential_id,
            "learner_id": learner_id,
            "pack_id": args.pack,
            "result_id": str(uuid.uuid4()),
            "status": "revoked" if args.revoked else "issued",
            "jwt": issued.jwt,
            "assertion_jws": issued.assertion_jws,
            "verify_url": f"https://badges.lincoln.example.org/verify/{award.credential_id}",
            "issued_at": award.issued_at.isoformat(),
            "revoked_reason": args.revoked,
        }
        intake = store_badges(connection, [document], issuer=key.did, now=now)
    print(f"stored {intake.stored}; refused {intake.refused}")


if __name__ == "__main__":
    main()
