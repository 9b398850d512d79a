"""One call for the server: a passed, re-scored result becomes a 3.0 credential and a 2.0 badge."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcdesk.badges.award import Award
from mcdesk.badges.baking import BadgeVersion, bake_png, bake_svg
from mcdesk.badges.images import BadgeArt, badge_svg
from mcdesk.badges.issuer_key import IssuerKey
from mcdesk.badges.ob2 import build_assertion, hosted_assertion, sign_assertion, svg_data_uri
from mcdesk.badges.ob3 import envelope_json, issue_credential


@dataclass(frozen=True, slots=True)
class IssuedBadge:
    """Both signed forms of one award, and what the learner can download."""

    credential: dict[str, Any]
    jwt: str
    assertion: dict[str, Any]
    assertion_jws: str

    def credential_json(self) -> bytes:
        """The 3.0 credential JSON file (an EnvelopedVerifiableCredential holding the VC-JWT)."""
        return envelope_json(self.jwt)

    def hosted_assertion(self) -> dict[str, Any]:
        """The 2.0 assertion as the server hosts it at its id."""
        return hosted_assertion(self.assertion)

    def baked_png(self, *, image: bytes, version: BadgeVersion = BadgeVersion.OB3) -> bytes:
        """The badge image with this badge baked in (3.0 VC-JWT, or the 2.0 JWS)."""
        text = self.jwt if version is BadgeVersion.OB3 else self.assertion_jws
        return bake_png(image=image, text=text, version=version)

    def baked_svg(self, *, image: bytes, version: BadgeVersion = BadgeVersion.OB3) -> bytes:
        """The SVG image with this badge baked in (2.0 also carries the readable assertion)."""
        if version is BadgeVersion.OB3:
            return bake_svg(image=image, text=self.jwt, version=version)
        shown = json.dumps(self.assertion, ensure_ascii=False, separators=(",", ":"))
        return bake_svg(image=image, text=self.assertion_jws, version=version, displayed=shown)


def issue_badge(*, award: Award, key: IssuerKey, public_base_url: str | None) -> IssuedBadge:
    """Sign the award as an OB 3.0 VC-JWT and an OB 2.0 signed assertion with the issuer key."""
    issued = issue_credential(award=award, key=key)
    spec = award.micro_credential
    fallback = (
        svg_data_uri(badge_svg(BadgeArt(title=spec.name, cluster=spec.career_cluster)))
        if spec.image_url is None
        else spec.image_url
    )
    assertion = build_assertion(
        award=award, key=key, public_base_url=public_base_url, fallback_image=fallback
    )
    return IssuedBadge(
        credential=issued.credential,
        jwt=issued.jwt,
        assertion=assertion,
        assertion_jws=sign_assertion(assertion=assertion, key=key),
    )
