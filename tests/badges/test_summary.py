"""What a verify page shows comes from the signed credential the verifier returns."""

from __future__ import annotations

from mcdesk.badges.baking import BadgeVersion
from mcdesk.badges.issue import issue_badge
from mcdesk.badges.issuer_key import new_issuer_key
from mcdesk.badges.summary import SkillLine, summarize
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from tests.badges.samples import NOW, sample_award


def test_a_verified_3_0_badge_summarises_achievement_skills_issuer_and_date() -> None:
    key = new_issuer_key()
    badge = issue_badge(
        award=sample_award(key, display_name="Ana López"), key=key, public_base_url=None
    )
    verdict = verify_badge(badge.jwt.encode(), now=NOW)
    assert verdict.outcome is Outcome.UNCONFIRMED  # no status list fetched here
    assert verdict.credential is not None
    assert verdict.version is not None
    summary = summarize(verdict.credential, version=verdict.version)
    assert summary.achievement == "Basic Construction Math"
    assert summary.issuer_name == "Lincoln High School"
    assert summary.issuer_id == key.did
    assert summary.issued == "2026-11-02T15:30:00Z"
    assert summary.career_cluster == "Architecture & Construction"
    assert summary.recipient_name == "Ana López"
    assert summary.skills == (
        SkillLine(name="Read a tape measure to 1/16 inch", result="90"),
        SkillLine(name="Convert between units", result="80"),
        SkillLine(name="Estimate materials for a job", result="75"),
    )


def test_a_2_0_badge_summarises_too() -> None:
    key = new_issuer_key()
    badge = issue_badge(award=sample_award(key), key=key, public_base_url=None)
    verdict = verify_badge(badge.assertion_jws.encode(), now=NOW)
    assert verdict.credential is not None
    assert verdict.version is not None
    summary = summarize(verdict.credential, version=verdict.version)
    assert summary.achievement == "Basic Construction Math"
    assert summary.recipient_name is None
    assert summary.skills[0].name == "Read a tape measure to 1/16 inch"


def test_a_summary_of_odd_but_signed_content_does_not_raise() -> None:
    summary = summarize({"credentialSubject": [], "issuer": 3}, version=BadgeVersion.OB3)
    assert summary.achievement == "?"
    assert summarize({"badge": "x"}, version=BadgeVersion.OB2).issuer_name == "unnamed issuer"
