"""Open Badges 3.0: the OpenBadgeCredential, signed as a VC-JWT (EdDSA, kid = did:key)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mcdesk.badges.award import Alignment, Award, IdentityKind, iso_z, parse_iso
from mcdesk.badges.issuer_key import IssuerKey
from mcdesk.badges.jws import sign_compact

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
# OB 3.0 §8.2: "typ", if present, MUST be "JWT".
JWT_TYPE = "JWT"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
# JWT registered claims that mirror credential members (VC-JOSE-COSE / OB 3.0 §8.2).
JWT_CLAIMS = ("iss", "jti", "nbf", "exp", "sub", "iat")

_IDENTITY_TYPES = {IdentityKind.EMAIL: "emailAddress", IdentityKind.LEARNER_ID: "identifier"}


def _alignment(alignment: Alignment) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": alignment.target_name,
        "targetUrl": alignment.target_url,
    }
    if alignment.target_framework:
        entry["targetFramework"] = alignment.target_framework
    if alignment.target_code:
        entry["targetCode"] = alignment.target_code
    if alignment.target_description:
        entry["targetDescription"] = alignment.target_description
    return entry


def _result_id(award: Award, skill_id: str) -> str:
    return f"{award.micro_credential.achievement_id}#skill-{skill_id}"


def criteria_narrative(award: Award) -> str:
    """The criteria in words, naming each targeted skill."""
    skills = "; ".join(skill.name for skill in award.micro_credential.skills)
    return (
        f"Pass the teacher-proctored assessment of {award.micro_credential.name}, "
        f"which tests these targeted skills: {skills}."
    )


def evidence_narrative(award: Award) -> str:
    """What the attempt shows, in words."""
    parts = [f"Proctored assessment attempt {award.evidence.attempt_id}, re-scored by the school."]
    if award.evidence.active_minutes is not None:
        parts.append(f"Active study time on the content: {award.evidence.active_minutes} minutes.")
    if award.evidence.self_check_mastery is not None:
        parts.append(f"Self-check mastery: {round(award.evidence.self_check_mastery * 100)}%.")
    return " ".join(parts)


def _achievement(award: Award) -> dict[str, Any]:
    spec = award.micro_credential
    achievement: dict[str, Any] = {
        "id": spec.achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": spec.name,
        "description": spec.description,
        "criteria": {"narrative": criteria_narrative(award)},
        "tag": [spec.career_cluster],
        "resultDescription": [
            {
                "id": _result_id(award, skill.skill_id),
                "type": ["ResultDescription"],
                "name": skill.name,
                "resultType": "Percent",
            }
            for skill in spec.skills
        ],
    }
    if spec.image_url:
        achievement["image"] = {"id": spec.image_url, "type": "Image", "caption": spec.name}
    alignments = [spec.cluster_alignment] if spec.cluster_alignment else []
    alignments.extend(spec.alignments)
    if alignments:
        achievement["alignment"] = [_alignment(entry) for entry in alignments]
    return achievement


def _subject(award: Award) -> dict[str, Any]:
    recipient = award.recipient
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityHash": recipient.identity_hash,
            "identityType": _IDENTITY_TYPES[recipient.kind],
            "hashed": True,
            "salt": recipient.salt,
        }
    ]
    if recipient.display_name:
        # Only when the learner allowed their name on the badge.
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": recipient.display_name,
                "identityType": "name",
                "hashed": False,
            }
        )
    return {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": _achievement(award),
        "activityEndDate": iso_z(award.assessed_at),
        "result": [
            {
                "type": ["Result"],
                "resultDescription": _result_id(award, score.skill_id),
                "value": str(score.percent),
            }
            for score in award.scores
        ],
    }


def build_credential(*, award: Award) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VC Data Model 2.0 context first, OB 3.0.3 next)."""
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": award.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.micro_credential.name,
        "description": award.micro_credential.description,
        "issuer": _issuer(award),
        "validFrom": iso_z(award.issued_at),
        "awardedDate": iso_z(award.issued_at),
        "credentialSubject": _subject(award),
        "evidence": [
            {
                "id": f"urn:mcdesk:attempt:{award.evidence.attempt_id}",
                "type": ["Evidence"],
                "name": "Proctored assessment",
                "narrative": evidence_narrative(award),
            }
        ],
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if award.micro_credential.image_url:
        credential["image"] = {"id": award.micro_credential.image_url, "type": "Image"}
    if award.valid_until is not None:
        credential["validUntil"] = iso_z(award.valid_until)
    if award.status is not None:
        credential["credentialStatus"] = {
            "id": f"{award.status.list_url}#{award.status.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status.index),
            "statusListCredential": award.status.list_url,
        }
    return credential


def _issuer(award: Award) -> dict[str, Any]:
    issuer: dict[str, Any] = {
        "id": award.issuer.did,
        "type": ["Profile"],
        "name": award.issuer.name,
    }
    if award.issuer.url:
        issuer["url"] = award.issuer.url
    return issuer


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The registered claims a VC-JWT carries beside the credential's own members."""
    claims: dict[str, Any] = {"iss": _issuer_id(credential), "jti": credential["id"]}
    valid_from = parse_iso(credential.get("validFrom"))
    if valid_from is not None:
        claims["nbf"] = int(valid_from.timestamp())
    valid_until = parse_iso(credential.get("validUntil"))
    if valid_until is not None:
        claims["exp"] = int(valid_until.timestamp())
    return claims


def _issuer_id(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def sign_credential(*, credential: dict[str, Any], key: IssuerKey) -> str:
    """The VC-JWT: the credential's members plus iss/jti/nbf/exp, signed EdDSA by the issuer."""
    if _issuer_id(credential) != key.did:
        raise ValueError("the credential's issuer is not the signing key's did:key")
    return sign_compact(payload={**credential, **jwt_claims(credential)}, key=key, typ=JWT_TYPE)


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """A signed 3.0 badge: the VC-JWT and the credential it carries."""

    jwt: str
    credential: dict[str, Any]

    def download_json(self) -> bytes:
        """The learner's JSON file: a VC Data Model 2.0 EnvelopedVerifiableCredential."""
        return envelope_json(self.jwt)


def envelope_json(jwt: str) -> bytes:
    """The JSON form of a VC-JWT that wallets and our verifier read (VCDM 2.0 §4.13)."""
    document = {
        "@context": [VC_CONTEXT],
        "id": ENVELOPE_PREFIX + jwt,
        "type": "EnvelopedVerifiableCredential",
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def issue_credential(*, award: Award, key: IssuerKey) -> IssuedCredential:
    """Build and sign one 3.0 credential."""
    credential = build_credential(award=award)
    return IssuedCredential(
        jwt=sign_credential(credential=credential, key=key), credential=credential
    )
