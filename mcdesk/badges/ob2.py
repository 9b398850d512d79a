"""Open Badges 2.0: Assertion, BadgeClass and Issuer with the same data, hosted and signed (JWS)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from mcdesk.badges.award import Award, IdentityKind, iso_z
from mcdesk.badges.issuer_key import IssuerKey
from mcdesk.badges.jws import sign_compact
from mcdesk.badges.ob3 import criteria_narrative, evidence_narrative

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
# 2.0 names a recipient by an IRI mapped in its context; a roster id is not an e-mail.
_RECIPIENT_TYPES = {IdentityKind.EMAIL: "email", IdentityKind.LEARNER_ID: "url"}


@dataclass(frozen=True, slots=True)
class HostedUrls:
    """Where the server hosts the 2.0 documents under its public base URL."""

    assertion: str
    badge_class: str
    issuer: str
    revocation_list: str


def hosted_urls(*, base_url: str, award: Award) -> HostedUrls:
    """The public URLs of this award's 2.0 documents."""
    base = base_url.rstrip("/")
    uuid = award.credential_id.removeprefix("urn:uuid:")
    achievement = award.micro_credential.achievement_id.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return HostedUrls(
        assertion=f"{base}/ob2/assertions/{uuid}",
        badge_class=f"{base}/ob2/badgeclasses/{achievement}",
        issuer=f"{base}/ob2/issuer",
        revocation_list=f"{base}/ob2/revocations",
    )


def issuer_profile(*, award: Award, key: IssuerKey, urls: HostedUrls | None) -> dict[str, Any]:
    """The 2.0 Issuer profile; its publicKey is the did:key method that signs."""
    profile: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": urls.issuer if urls else award.issuer.did,
        "name": award.issuer.name,
        "url": award.issuer.url or (urls.issuer if urls else award.issuer.did),
        "publicKey": key.method,
    }
    if urls:
        profile["revocationList"] = urls.revocation_list
    return profile


def badge_class(
    *, award: Award, key: IssuerKey, urls: HostedUrls | None, image: str
) -> dict[str, Any]:
    """The 2.0 BadgeClass with the issuer profile embedded."""
    spec = award.micro_credential
    badge: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": urls.badge_class if urls else spec.achievement_id,
        "name": spec.name,
        "description": spec.description,
        "image": image,
        "criteria": {"narrative": criteria_narrative(award)},
        "issuer": issuer_profile(award=award, key=key, urls=urls),
        "tags": [spec.career_cluster, *(skill.name for skill in spec.skills)],
    }
    alignments = [spec.cluster_alignment] if spec.cluster_alignment else []
    alignments.extend(spec.alignments)
    if alignments:
        badge["alignment"] = [
            {
                key_name: value
                for key_name, value in (
                    ("targetName", entry.target_name),
                    ("targetUrl", entry.target_url),
                    ("targetFramework", entry.target_framework),
                    ("targetCode", entry.target_code),
                    ("targetDescription", entry.target_description),
                )
                if value
            }
            for entry in alignments
        ]
    return badge


def _skill_results(award: Award) -> str:
    names = {skill.skill_id: skill.name for skill in award.micro_credential.skills}
    return "; ".join(f"{names.get(s.skill_id, s.skill_id)}: {s.percent}%" for s in award.scores)


def build_assertion(
    *, award: Award, key: IssuerKey, public_base_url: str | None, fallback_image: str
) -> dict[str, Any]:
    """The signed-form Assertion (verification SignedBadge, creator = the did:key method)."""
    urls = hosted_urls(base_url=public_base_url, award=award) if public_base_url else None
    image = award.micro_credential.image_url or fallback_image
    assertion: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": urls.assertion if urls else award.credential_id,
        "recipient": {
            "type": _RECIPIENT_TYPES[award.recipient.kind],
            "hashed": True,
            "salt": award.recipient.salt,
            "identity": award.recipient.identity_hash,
        },
        "badge": badge_class(award=award, key=key, urls=urls, image=image),
        "issuedOn": iso_z(award.issued_at),
        "narrative": f"Per-skill results: {_skill_results(award)}.",
        "evidence": [
            {
                "id": f"urn:mcdesk:attempt:{award.evidence.attempt_id}",
                "narrative": evidence_narrative(award),
            }
        ],
        "verification": {"type": "SignedBadge", "creator": key.method},
    }
    if award.valid_until is not None:
        assertion["expires"] = iso_z(award.valid_until)
    return assertion


def _hosted_id(document: Any) -> str | None:
    """The id of an embedded object when it is an http(s) URL the server hosts."""
    found = document.get("id") if isinstance(document, dict) else None
    return found if isinstance(found, str) and found.startswith(("https://", "http://")) else None


def hosted_assertion(assertion: dict[str, Any]) -> dict[str, Any]:
    """The same Assertion as the server hosts it at its id (verification 'hosted').

    Its BadgeClass is linked by URL, as 2.0 hosted verifiers fetch it (and its issuer) there.
    """
    hosted = {**assertion, "verification": {"type": "hosted"}}
    badge_url = _hosted_id(assertion.get("badge"))
    if badge_url is not None:
        hosted["badge"] = badge_url
    return hosted


def hosted_badge_class(badge: dict[str, Any]) -> dict[str, Any]:
    """An embedded BadgeClass as the server hosts it at its id, its Issuer linked by URL."""
    hosted = {**badge, "@context": OB2_CONTEXT}
    issuer_url = _hosted_id(badge.get("issuer"))
    if issuer_url is not None:
        hosted["issuer"] = issuer_url
    return hosted


def hosted_issuer(profile: dict[str, Any]) -> dict[str, Any]:
    """An embedded Issuer profile as the server hosts it at its id."""
    return {**profile, "@context": OB2_CONTEXT}


def sign_assertion(*, assertion: dict[str, Any], key: IssuerKey) -> str:
    """The 2.0 signed badge: a compact JWS of the Assertion, EdDSA with kid = creator."""
    return sign_compact(payload=assertion, key=key, typ="JWS")


def revocation_list(*, list_url: str, issuer_id: str, revoked: dict[str, str]) -> dict[str, Any]:
    """The 2.0 RevocationList the issuer profile points to: revoked assertion ids and reasons."""
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": list_url,
        "issuer": issuer_id,
        "revokedAssertions": [
            {"id": assertion_id, "revocationReason": reason}
            for assertion_id, reason in sorted(revoked.items())
        ],
    }


def svg_data_uri(svg: bytes) -> str:
    """An image IRI for a badge with no hosted image: the SVG itself as a data URI."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
