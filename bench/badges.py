"""Badge issuing and verifying, beside the bare Ed25519 floors measured in the same run.

Issue + sign: build one OpenBadgeCredential from typed inputs and sign it as a VC-JWT
(canonical JSON, base64url, Ed25519), per second on one core; the floor is a bare Ed25519
signature over a message the size of that JWT's signing input. Verify: `verify_badge` on a
baked PNG (unbake, parse, signature, issuer, content, recipient, dates, and the revocation
check against an in-memory signed status list, which is a second signature and a GZIP
inflate), p95; the floor is a bare Ed25519 verification of the same signing input.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from measure import median, percentile, table

from mcdesk.badges.award import (
    AttemptEvidence,
    Award,
    IdentityKind,
    IssuerProfile,
    MicroCredentialSpec,
    SkillScore,
    SkillSpec,
    StatusEntry,
    make_recipient,
)
from mcdesk.badges.baking import BadgeVersion, bake_png
from mcdesk.badges.images import BadgeArt, badge_png
from mcdesk.badges.issuer_key import IssuerKey, new_issuer_key
from mcdesk.badges.ob3 import issue_credential
from mcdesk.badges.status_list import build_status_list
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge

ISSUED = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
LIST_URL = "https://badges.school.example.org/status/1"


def _award(key: IssuerKey, number: int) -> Award:
    skills = tuple(SkillSpec(skill_id=f"s{i}", name=f"Targeted skill number {i}") for i in range(5))
    return Award(
        credential_id=f"urn:uuid:0193f5a2-7c1e-7d3a-9a51-{number:012d}",
        issuer=IssuerProfile(
            did=key.did, name="Lincoln High School", url="https://lincoln.example.org"
        ),
        micro_credential=MicroCredentialSpec(
            achievement_id="https://badges.school.example.org/achievements/basic-construction-math",
            name="Basic Construction Math",
            description="Measure, convert and estimate quantities on a building site.",
            career_cluster="Architecture & Construction",
            skills=skills,
            image_url="https://badges.school.example.org/images/basic-construction-math.png",
        ),
        recipient=make_recipient(
            identity=f"learner{number}@school.example.org", kind=IdentityKind.EMAIL
        ),
        scores=tuple(SkillScore(skill_id=s.skill_id, percent=80) for s in skills),
        assessed_at=ISSUED - timedelta(hours=1),
        issued_at=ISSUED,
        evidence=AttemptEvidence(
            attempt_id=f"attempt-{number}", active_minutes=120, self_check_mastery=0.8
        ),
        status=StatusEntry(list_url=LIST_URL, index=number % 131072),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=2000)
    parser.add_argument("--verifies", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    key = new_issuer_key()
    awards = [_award(key, n) for n in range(args.issues)]
    sample = issue_credential(award=awards[0], key=key).jwt
    message = sample.rsplit(".", 1)[0].encode("ascii")

    issue_rates, sign_rates = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for award in awards:
            issue_credential(award=award, key=key)
        issue_rates.append(args.issues / (time.perf_counter() - t0))
        t1 = time.perf_counter()
        for _ in awards:
            key.sign(message)
        sign_rates.append(args.issues / (time.perf_counter() - t1))

    status = build_status_list(key=key, list_url=LIST_URL, revoked=[1], issued_at=ISSUED).encode()
    art = BadgeArt(title="Basic Construction Math", cluster="Architecture & Construction")
    baked = bake_png(image=badge_png(art), text=sample, version=BadgeVersion.OB3)
    now = ISSUED + timedelta(days=1)
    public_key = key.private_key.public_key()
    signature = key.sign(message)
    verify_times, floor_times = [], []
    for _ in range(args.verifies):
        t0 = time.perf_counter()
        verdict = verify_badge(baked, now=now, fetch_status=lambda url: status)
        verify_times.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        public_key.verify(signature, message)
        floor_times.append(time.perf_counter() - t1)
        if verdict.outcome is not Outcome.VERIFIED:
            raise SystemExit(f"the bench badge did not verify: {verdict.reason}")

    issue_rate, sign_rate = median(issue_rates), median(sign_rates)
    verify_p95, floor_p95 = percentile(verify_times, 0.95), percentile(floor_times, 0.95)
    table(
        f"Badges: {args.issues} credentials × {args.runs} runs, {len(sample)}-byte VC-JWT; "
        f"{args.verifies} verifies of a {len(baked):,}-byte baked PNG",
        [
            (
                "issue + sign (VC-JWT, EdDSA), one core",
                f"{issue_rate:,.0f} credentials/s",
                f"{sign_rate:,.0f} Ed25519 signs/s",
                f"{issue_rate / sign_rate:.3f}",
                "≥ 200 credentials/s",
            ),
            (
                "verify a baked PNG (with status list), median",
                f"{median(verify_times) * 1000:.2f} ms",
                f"{median(floor_times) * 1000:.3f} ms (Ed25519 verify)",
                f"{median(verify_times) / median(floor_times):.1f}",
                "(report)",
            ),
            (
                "verify a baked PNG (with status list), p95",
                f"{verify_p95 * 1000:.2f} ms",
                f"{floor_p95 * 1000:.3f} ms (Ed25519 verify)",
                f"{verify_p95 / floor_p95:.1f}",
                "(report)",
            ),
        ],
    )


if __name__ == "__main__":
    main()
