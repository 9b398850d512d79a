"""The server's one call: both signed forms of an award, and every download verifies."""

from __future__ import annotations

import json
from dataclasses import replace

from mcdesk.badges.baking import BadgeVersion
from mcdesk.badges.images import BadgeArt, badge_png, badge_svg
from mcdesk.badges.issue import issue_badge
from mcdesk.badges.issuer_key import new_issuer_key
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from tests.badges.samples import EMAIL, NOW, SPEC, sample_award

ART = BadgeArt(title=SPEC.name, cluster=SPEC.career_cluster)


def test_every_download_of_an_issued_badge_verifies() -> None:
    key = new_issuer_key()
    award = replace(sample_award(key), status=None)
    badge = issue_badge(award=award, key=key, public_base_url=None)
    downloads = [
        badge.credential_json(),
        badge.jwt.encode(),
        badge.baked_png(image=badge_png(ART)),
        badge.baked_png(image=badge_png(ART), version=BadgeVersion.OB2),
        badge.baked_svg(image=badge_svg(ART)),
        badge.baked_svg(image=badge_svg(ART), version=BadgeVersion.OB2),
    ]
    for download in downloads:
        verdict = verify_badge(download, now=NOW, identity=EMAIL)
        assert verdict.outcome is Outcome.VERIFIED, verdict.lines()
    assert json.loads(badge.credential_json())["type"] == "EnvelopedVerifiableCredential"
    assert badge.hosted_assertion()["verification"] == {"type": "hosted"}


def test_a_badge_with_no_hosted_image_carries_its_svg_inline_in_2_0() -> None:
    key = new_issuer_key()
    award = sample_award(key)
    plain = replace(award, micro_credential=replace(award.micro_credential, image_url=None))
    badge = issue_badge(award=plain, key=key, public_base_url=None)
    assert badge.assertion["badge"]["image"].startswith("data:image/svg+xml;base64,")
    assert "image" not in badge.credential
