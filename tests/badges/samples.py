"""A sample award and issuer for the badge tests (real keys, real dates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mcdesk.badges.award import (
    Alignment,
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
from mcdesk.badges.issuer_key import IssuerKey

ISSUED = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
NOW = ISSUED + timedelta(days=3)
EMAIL = "Ana.Lopez@lincoln.example.org"
LIST_URL = "https://badges.lincoln.example.org/status/1"

SPEC = MicroCredentialSpec(
    achievement_id="https://badges.lincoln.example.org/achievements/basic-construction-math",
    name="Basic Construction Math",
    description="Measure, convert and estimate quantities on a building site.",
    career_cluster="Architecture & Construction",
    skills=(
        SkillSpec(skill_id="measure", name="Read a tape measure to 1/16 inch"),
        SkillSpec(skill_id="convert", name="Convert between units"),
        SkillSpec(skill_id="estimate", name="Estimate materials for a job"),
    ),
    image_url="https://badges.lincoln.example.org/images/basic-construction-math.png",
    cluster_alignment=Alignment(
        target_name="Architecture & Construction",
        target_url="https://careertech.org/architecture-construction",
        target_framework="National Career Clusters Framework",
    ),
    alignments=(
        Alignment(
            target_name="Apply measurement in construction",
            target_url="https://standards.example.org/cte/ac-math-1",
            target_code="AC-MATH-1",
        ),
    ),
)


def sample_award(
    key: IssuerKey,
    *,
    status_index: int | None = 7,
    valid_until: datetime | None = None,
    display_name: str | None = None,
) -> Award:
    """Ana's pass of Basic Construction Math, issued by Lincoln High with `key`."""
    return Award(
        credential_id="urn:uuid:0193f5a2-7c1e-7d3a-9a51-3c2b1e0f4d11",
        issuer=IssuerProfile(
            did=key.did, name="Lincoln High School", url="https://lincoln.example.org"
        ),
        micro_credential=SPEC,
        recipient=make_recipient(
            identity=EMAIL, kind=IdentityKind.EMAIL, salt="f3b1c2", display_name=display_name
        ),
        scores=(
            SkillScore(skill_id="measure", percent=90),
            SkillScore(skill_id="convert", percent=80),
            SkillScore(skill_id="estimate", percent=75),
        ),
        assessed_at=ISSUED - timedelta(hours=2),
        issued_at=ISSUED,
        evidence=AttemptEvidence(
            attempt_id="0193f5a2-0000-7000-8000-000000000001",
            active_minutes=143,
            self_check_mastery=0.86,
        ),
        status=StatusEntry(list_url=LIST_URL, index=status_index)
        if status_index is not None
        else None,
        valid_until=valid_until,
    )
