"""The 3.0 credential against 1EdTech's schema, and the 2.0 assertion against 2.0's rules."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from jsonschema import Draft201909Validator, FormatChecker

from mcdesk.badges.award import IdentityKind, identity_hash
from mcdesk.badges.issuer_key import new_issuer_key
from mcdesk.badges.ob2 import (
    build_assertion,
    hosted_assertion,
    revocation_list,
    sign_assertion,
    svg_data_uri,
)
from mcdesk.badges.ob3 import (
    ENVELOPE_PREFIX,
    OB_CONTEXT,
    VC_CONTEXT,
    build_credential,
    issue_credential,
    sign_credential,
)
from tests.badges.samples import EMAIL, ISSUED, sample_award

SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
BASE = "https://badges.lincoln.example.org"
# jsonschema checks "date-time" only with the optional rfc3339-validator installed, which
# this project does not ship; RFC 3339 §5.6 as a pattern keeps the check real here.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or RFC3339.match(value) is not None


def _validate(credential: dict[str, Any]) -> None:
    validator = Draft201909Validator(SCHEMA, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_credential_validates_against_the_achievement_credential_schema() -> None:
    key = new_issuer_key()
    issued = issue_credential(award=sample_award(key, display_name="Ana López"), key=key)
    _validate(issued.credential)
    # The signed payload is the credential plus JWT claims; it validates too.
    _validate(jwt.decode(issued.jwt, options={"verify_signature": False}))
    expiring = issue_credential(
        award=sample_award(key, valid_until=ISSUED + timedelta(days=365)), key=key
    )
    _validate(expiring.credential)
    assert SCHEMA["required"] == [
        "@context",
        "id",
        "type",
        "credentialSubject",
        "issuer",
        "validFrom",
    ]


def _errors(credential: dict[str, Any]) -> list[str]:
    validator = Draft201909Validator(SCHEMA, format_checker=FORMATS)
    return [e.message for e in validator.iter_errors(credential)]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda c: c.pop("validFrom"), "'validFrom' is a required property"),
        (lambda c: c.update({"@context": [OB_CONTEXT, VC_CONTEXT]}), "is not one of"),
        (lambda c: c.update({"type": ["VerifiableCredential"]}), "does not contain"),
        (lambda c: c.update({"validUntil": "next year"}), "is not a 'date-time'"),
        (
            lambda c: c["credentialSubject"]["identifier"][0].update({"identityType": "phone"}),
            "is not valid under any of the given schemas",
        ),
        (
            lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
            "'criteria' is a required property",
        ),
    ],
)
def test_the_published_schema_refuses_what_breaks_it(change: Any, words: str) -> None:
    key = new_issuer_key()
    credential = json.loads(
        json.dumps(issue_credential(award=sample_award(key), key=key).credential)
    )
    assert _errors(credential) == []
    change(credential)
    assert any(words in message for message in _errors(credential)), _errors(credential)


def test_contexts_types_and_dates_are_as_published_now() -> None:
    key = new_issuer_key()
    credential = issue_credential(award=sample_award(key), key=key).credential
    assert credential["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2026-11-02T15:30:00Z"
    assert "issuanceDate" not in credential
    assert "validUntil" not in credential  # only when the pack gives an expiry
    expiring = issue_credential(
        award=sample_award(key, valid_until=ISSUED + timedelta(days=365)), key=key
    ).credential
    assert expiring["validUntil"] == "2027-11-02T15:30:00Z"


def test_the_recipient_is_a_salted_hash_and_named_only_when_allowed() -> None:
    key = new_issuer_key()
    subject = issue_credential(award=sample_award(key), key=key).credential["credentialSubject"]
    (identity,) = subject["identifier"]
    assert identity == {
        "type": "IdentityObject",
        "identityHash": identity_hash(EMAIL, salt="f3b1c2", kind=IdentityKind.EMAIL),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "f3b1c2",
    }
    assert "lopez" not in json.dumps(subject).lower()
    named = issue_credential(award=sample_award(key, display_name="Ana López"), key=key)
    names = [
        i
        for i in named.credential["credentialSubject"]["identifier"]
        if i["identityType"] == "name"
    ]
    assert names == [
        {
            "type": "IdentityObject",
            "identityHash": "Ana López",
            "identityType": "name",
            "hashed": False,
        }
    ]


def test_achievement_skills_results_evidence_and_status() -> None:
    key = new_issuer_key()
    credential = issue_credential(award=sample_award(key), key=key).credential
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["tag"] == ["Architecture & Construction"]
    assert "Read a tape measure to 1/16 inch" in achievement["criteria"]["narrative"]
    assert [a["targetName"] for a in achievement["alignment"]] == [
        "Architecture & Construction",
        "Apply measurement in construction",
    ]
    descriptions = {d["id"]: d["name"] for d in achievement["resultDescription"]}
    results = credential["credentialSubject"]["result"]
    assert [(descriptions[r["resultDescription"]], r["value"]) for r in results] == [
        ("Read a tape measure to 1/16 inch", "90"),
        ("Convert between units", "80"),
        ("Estimate materials for a job", "75"),
    ]
    assert credential["credentialSubject"]["activityEndDate"] == "2026-11-02T13:30:00Z"
    (evidence,) = credential["evidence"]
    assert "143 minutes" in evidence["narrative"]
    assert "86%" in evidence["narrative"]
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert credential["credentialStatus"]["statusListIndex"] == "7"


def test_the_download_json_envelopes_the_signed_jwt() -> None:
    key = new_issuer_key()
    issued = issue_credential(award=sample_award(key), key=key)
    document = json.loads(issued.download_json())
    assert document["type"] == "EnvelopedVerifiableCredential"
    assert document["id"] == ENVELOPE_PREFIX + issued.jwt


def test_signing_with_a_key_that_is_not_the_issuer_is_refused() -> None:
    key, other = new_issuer_key(), new_issuer_key()
    with pytest.raises(ValueError, match="issuer"):
        sign_credential(credential=build_credential(award=sample_award(key)), key=other)


# OB 2.0: required members and their types (Assertion, BadgeClass, Profile, IdentityObject).
ASSERTION_REQUIRED = {
    "@context": str,
    "type": str,
    "id": str,
    "recipient": dict,
    "badge": dict,
    "verification": dict,
    "issuedOn": str,
}
BADGE_REQUIRED = {
    "type": str,
    "id": str,
    "name": str,
    "description": str,
    "image": str,
    "criteria": dict,
    "issuer": dict,
}
PROFILE_REQUIRED = {"type": str, "id": str, "name": str, "url": str}


def _check_2_0(assertion: dict[str, Any]) -> None:
    for part, rules in (
        (assertion, ASSERTION_REQUIRED),
        (assertion["badge"], BADGE_REQUIRED),
        (assertion["badge"]["issuer"], PROFILE_REQUIRED),
    ):
        for name, kind in rules.items():
            assert isinstance(part.get(name), kind), f"{name} missing or not {kind.__name__}"
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["badge"]["type"] == "BadgeClass"
    assert assertion["badge"]["issuer"]["type"] == "Issuer"
    recipient = assertion["recipient"]
    assert recipient["type"] == "email"
    assert recipient["hashed"] is True
    assert recipient["identity"].startswith("sha256$")
    assert len(recipient["identity"]) == 71


def test_the_2_0_assertion_follows_2_0_rules_hosted_and_signed() -> None:
    key = new_issuer_key()
    award = sample_award(key)
    assertion = build_assertion(award=award, key=key, public_base_url=BASE, fallback_image="x")
    _check_2_0(assertion)
    assert assertion["id"] == f"{BASE}/ob2/assertions/0193f5a2-7c1e-7d3a-9a51-3c2b1e0f4d11"
    assert assertion["badge"]["issuer"]["revocationList"] == f"{BASE}/ob2/revocations"
    assert assertion["verification"] == {"type": "SignedBadge", "creator": key.method}
    assert hosted_assertion(assertion)["verification"] == {"type": "hosted"}
    assert "Convert between units: 80%" in assertion["narrative"]
    token = sign_assertion(assertion=assertion, key=key)
    assert jwt.decode(token, key=key.private_key.public_key(), algorithms=["EdDSA"]) == assertion


def test_without_a_public_url_the_2_0_assertion_uses_urns_and_an_inline_image() -> None:
    key = new_issuer_key()
    award = sample_award(key)
    image = svg_data_uri(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    plain = replace(award, micro_credential=replace(award.micro_credential, image_url=None))
    assertion = build_assertion(award=plain, key=key, public_base_url=None, fallback_image=image)
    _check_2_0(assertion)
    assert assertion["id"].startswith("urn:uuid:")
    assert assertion["badge"]["image"].startswith("data:image/svg+xml;base64,")
    assert "revocationList" not in assertion["badge"]["issuer"]


def test_the_2_0_revocation_list_names_reasons() -> None:
    document = revocation_list(
        list_url=f"{BASE}/ob2/revocations",
        issuer_id=f"{BASE}/ob2/issuer",
        revoked={f"{BASE}/ob2/assertions/1": "issued in error"},
    )
    assert document["type"] == "RevocationList"
    assert document["revokedAssertions"] == [
        {"id": f"{BASE}/ob2/assertions/1", "revocationReason": "issued in error"}
    ]
