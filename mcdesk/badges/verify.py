"""The one badge verifier: the CLI, the server's verify page and the wallet all call it."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from mcdesk.badges.award import IdentityKind, identity_hash, normalise_identity, parse_iso
from mcdesk.badges.baking import BadgeVersion
from mcdesk.badges.jws import JwsRefused, parse_compact, signature_holds, signer_key
from mcdesk.badges.ob3 import JWT_CLAIMS, VC_CONTEXT, jwt_claims
from mcdesk.badges.revocation import check_revocation
from mcdesk.badges.unpack import NotABadge, unpack
from mcdesk.badges.verdict import Check, CheckState, Outcome, Verdict

StatusFetcher = Callable[[str], bytes]
"""Fetch a status or revocation list by URL; raise StatusUnavailable when it cannot."""


def _differences(shown: Any, signed: Any, path: str, out: list[str]) -> None:
    if len(out) >= 20:
        return
    if isinstance(shown, dict) and isinstance(signed, dict):
        for key in sorted(set(shown) | set(signed), key=str):
            _differences(shown.get(key), signed.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(shown, list) and isinstance(signed, list) and len(shown) == len(signed):
        for index, (a, b) in enumerate(zip(shown, signed, strict=True)):
            _differences(a, b, f"{path}[{index}]", out)
    elif shown != signed:
        out.append(path or "(the whole document)")


def changed_fields(*, displayed: Any, signed: Mapping[str, Any]) -> tuple[str, ...]:
    """Dotted paths where a displayed copy disagrees with the signed credential."""
    out: list[str] = []
    _differences(displayed, dict(signed), "", out)
    return tuple(out)


def _credential_part(payload: Mapping[str, Any], version: BadgeVersion) -> dict[str, Any]:
    if version is BadgeVersion.OB2:
        return dict(payload)
    return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}


def _version_of(payload: Mapping[str, Any]) -> BadgeVersion | None:
    types = payload.get("type")
    type_list = types if isinstance(types, list) else [types]
    context = payload.get("@context")
    if (
        isinstance(context, list)
        and context[:1] == [VC_CONTEXT]
        and ({"OpenBadgeCredential", "AchievementCredential"} & {str(t) for t in type_list})
    ):
        return BadgeVersion.OB3
    if "Assertion" in type_list:
        return BadgeVersion.OB2
    return None


def _issuer(payload: Mapping[str, Any], version: BadgeVersion) -> tuple[str | None, str]:
    """(issuer id, issuer name) as the credential states them."""
    if version is BadgeVersion.OB3:
        issuer = payload.get("issuer")
    else:
        badge = payload.get("badge")
        issuer = badge.get("issuer") if isinstance(badge, dict) else None
    if isinstance(issuer, dict):
        issuer_id = issuer.get("id")
        name = issuer.get("name")
        return (issuer_id if isinstance(issuer_id, str) else None, str(name or "unnamed issuer"))
    return (issuer if isinstance(issuer, str) else None, "unnamed issuer")


def _check_issuer(
    payload: Mapping[str, Any], version: BadgeVersion, kid: str, trusted: Collection[str] | None
) -> Check:
    did = kid.partition("#")[0]
    issuer_id, name = _issuer(payload, version)
    if version is BadgeVersion.OB3:
        if issuer_id != did:
            return Check(
                "issuer",
                CheckState.FAILED,
                f"signed by {did} but the credential names issuer {issuer_id!r}: "
                "the field issuer.id was changed or the badge re-signed by someone else",
            )
        if payload.get("iss") != issuer_id:
            return Check(
                "issuer",
                CheckState.FAILED,
                "the signed claim iss disagrees with issuer.id (field iss)",
            )
    else:
        badge = payload.get("badge")
        issuer = badge.get("issuer") if isinstance(badge, dict) else None
        verification = payload.get("verification")
        creator = verification.get("creator") if isinstance(verification, dict) else None
        public_key = issuer.get("publicKey") if isinstance(issuer, dict) else None
        if creator != kid or public_key != kid:
            return Check(
                "issuer",
                CheckState.FAILED,
                "the signing key is not the one the assertion names "
                "(fields verification.creator and badge.issuer.publicKey)",
            )
    if trusted is not None and did not in trusted:
        return Check(
            "issuer", CheckState.FAILED, f"{name} ({did}) is not an issuer this verifier trusts"
        )
    return Check(
        "issuer", CheckState.PASSED, f"issued by {name}; its did:key {did} made the signature"
    )


def _check_content(
    payload: Mapping[str, Any], version: BadgeVersion, displayed: Any
) -> tuple[Check, tuple[str, ...]]:
    credential = _credential_part(payload, version)
    wrong: list[str] = []
    if version is BadgeVersion.OB3:
        if parse_iso(payload.get("validFrom")) is None:
            wrong.append("validFrom")
        subject = payload.get("credentialSubject")
        if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
            wrong.append("credentialSubject.achievement")
        if "validUntil" in payload and parse_iso(payload.get("validUntil")) is None:
            wrong.append("validUntil")
        if not wrong:
            expected = jwt_claims(credential)
            wrong += [claim for claim, value in expected.items() if payload.get(claim) != value]
    else:
        for required in ("id", "recipient", "badge", "verification", "issuedOn"):
            if required not in payload:
                wrong.append(required)
        if "issuedOn" in payload and parse_iso(payload.get("issuedOn")) is None:
            wrong.append("issuedOn")
    if wrong:
        return Check(
            "content",
            CheckState.FAILED,
            f"signed fields missing or inconsistent: {', '.join(wrong)}",
        ), tuple(wrong)
    if displayed is not None:
        changed = changed_fields(displayed=displayed, signed=credential)
        if changed:
            return Check(
                "content",
                CheckState.FAILED,
                "the displayed copy was changed; it disagrees with the signed credential "
                f"at: {', '.join(changed)}",
            ), changed
        return Check(
            "content", CheckState.PASSED, "the displayed copy matches the signed credential"
        ), ()
    return Check("content", CheckState.PASSED, "the signed fields are complete and consistent"), ()


def _identifiers(payload: Mapping[str, Any], version: BadgeVersion) -> list[dict[str, Any]]:
    """The recipient entries as {hashed, identityHash, salt}; 3.0's display name is left out."""
    if version is BadgeVersion.OB2:
        recipient = payload.get("recipient")
        if not isinstance(recipient, dict):
            return []
        return [
            {
                "hashed": recipient.get("hashed"),
                "identityHash": recipient.get("identity"),
                "salt": recipient.get("salt"),
            }
        ]
    subject = payload.get("credentialSubject")
    found = subject.get("identifier") if isinstance(subject, dict) else None
    entries = [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []
    return [e for e in entries if e.get("identityType") != "name"]


def _matches(entry: dict[str, Any], identity: str) -> bool:
    stated = entry.get("identityHash")
    if not isinstance(stated, str):
        return False
    kind = IdentityKind.EMAIL if "@" in identity else IdentityKind.LEARNER_ID
    if entry.get("hashed") is not True:
        mine, theirs = (
            normalise_identity(identity, kind=kind),
            normalise_identity(stated, kind=kind),
        )
    elif stated.lower().startswith("sha256$"):
        salt = entry.get("salt")
        mine = identity_hash(identity, salt=salt if isinstance(salt, str) else "", kind=kind)
        theirs = stated.lower()
    else:
        # md5 identity hashes are allowed by the spec but never issued here: not trusted.
        return False
    # Compared as bytes: compare_digest refuses non-ASCII text.
    return hmac.compare_digest(mine.encode("utf-8"), theirs.encode("utf-8"))


def _check_recipient(
    payload: Mapping[str, Any], version: BadgeVersion, identity: str | None
) -> Check:
    if identity is None:
        return Check(
            "recipient",
            CheckState.NOT_CHECKED,
            "no identity given (pass --identity EMAIL-OR-ID to check who it belongs to)",
        )
    entries = _identifiers(payload, version)
    if not entries:
        return Check("recipient", CheckState.FAILED, "the credential names no recipient")
    if any(_matches(entry, identity) for entry in entries):
        return Check("recipient", CheckState.PASSED, f"issued to {identity.strip()}")
    return Check(
        "recipient",
        CheckState.FAILED,
        f"not issued to {identity.strip()} (the salted hash does not match)",
    )


def _started(payload: Mapping[str, Any], version: BadgeVersion, now: datetime) -> bool:
    """Whether the badge's validity has begun (validFrom, or 2.0's issuedOn, is past)."""
    start = parse_iso(payload.get("validFrom" if version is BadgeVersion.OB3 else "issuedOn"))
    return start is None or start <= now


def _check_dates(payload: Mapping[str, Any], version: BadgeVersion, now: datetime) -> Check:
    start = parse_iso(payload.get("validFrom" if version is BadgeVersion.OB3 else "issuedOn"))
    end_field = "validUntil" if version is BadgeVersion.OB3 else "expires"
    end = parse_iso(payload.get(end_field))
    if not _started(payload, version, now) and start is not None:
        return Check("expiry", CheckState.FAILED, f"not valid until {start.isoformat()}")
    if end is None:
        return Check("expiry", CheckState.PASSED, "does not expire")
    if end <= now:
        return Check("expiry", CheckState.FAILED, f"expired on {end.date().isoformat()}")
    return Check("expiry", CheckState.PASSED, f"valid until {end.date().isoformat()}")


def _invalid(checks: list[Check], reason: str, **extra: Any) -> Verdict:
    return Verdict(outcome=Outcome.INVALID, reason=reason, checks=tuple(checks), **extra)


def verify_badge(
    data: bytes,
    *,
    now: datetime,
    identity: str | None = None,
    fetch_status: StatusFetcher | None = None,
    displayed: Mapping[str, Any] | None = None,
    trusted_issuers: Collection[str] | None = None,
) -> Verdict:
    """Check a baked PNG, SVG, JSON file or JWT; every answer is a Verdict, never an exception."""
    checks: list[Check] = []
    try:
        unpacked = unpack(data)
        parsed = parse_compact(unpacked.token)
    except (NotABadge, JwsRefused) as exc:
        checks.append(Check("format", CheckState.FAILED, str(exc)))
        return _invalid(checks, str(exc))
    payload = parsed.payload
    version = _version_of(payload) if isinstance(payload, dict) else None
    if version is None or not isinstance(payload, dict):
        words = "the signed token is neither an Open Badges 3.0 credential nor a 2.0 assertion"
        checks.append(Check("format", CheckState.FAILED, words))
        return _invalid(checks, words)
    if unpacked.version_hint is not None and unpacked.version_hint is not version:
        hint = unpacked.version_hint.value
        words = f"the {unpacked.container}'s {hint} slot holds a {version.value} badge"
        checks.append(Check("format", CheckState.FAILED, words))
        return _invalid(checks, words)
    checks.append(
        Check(
            "format",
            CheckState.PASSED,
            f"Open Badges {version.value} signed badge in a {unpacked.container}",
        )
    )
    try:
        kid, public_key = signer_key(parsed)
    except JwsRefused as exc:
        checks.append(Check("signature", CheckState.FAILED, str(exc)))
        return _invalid(checks, str(exc), version=version)
    if not signature_holds(parsed, public_key):
        words = (
            "the signature does not match: the credential was changed after it was signed, "
            "cut short, or signed by another key"
        )
        checks.append(Check("signature", CheckState.FAILED, words))
        return _invalid(checks, words, version=version)
    checks.append(
        Check("signature", CheckState.PASSED, f"valid Ed25519 signature ({kid.partition('#')[0]})")
    )
    checks.append(_check_issuer(payload, version, kid, trusted_issuers))
    content, changed = _check_content(
        payload, version, displayed if displayed is not None else unpacked.displayed
    )
    checks.append(content)
    checks.append(_check_recipient(payload, version, identity))
    dates = _check_dates(payload, version, now)
    checks.append(dates)
    checks.append(
        check_revocation(
            payload=payload,
            version=version,
            fetch_status=fetch_status,
            issuer_did=kid.partition("#")[0],
        )
    )
    early = dates.state is CheckState.FAILED and not _started(payload, version, now)
    return _conclude(
        checks,
        version=version,
        credential=_credential_part(payload, version),
        changed=changed,
        not_yet_valid=early,
    )


def _conclude(
    checks: list[Check],
    *,
    version: BadgeVersion,
    credential: dict[str, Any],
    changed: tuple[str, ...],
    not_yet_valid: bool,
) -> Verdict:
    by_name = {check.name: check for check in checks}
    extra: dict[str, Any] = {
        "version": version,
        "credential": credential,
        "changed_fields": changed,
    }
    for name in ("issuer", "content", "recipient"):
        if by_name[name].state is CheckState.FAILED:
            return _invalid(checks, f"{name}: {by_name[name].words}", **extra)
    expiry, revocation = by_name["expiry"], by_name["revocation"]
    if not_yet_valid:
        return _invalid(checks, expiry.words, **extra)
    if revocation.state is CheckState.FAILED:
        return Verdict(Outcome.REVOKED, revocation.words, tuple(checks), **extra)
    if expiry.state is CheckState.FAILED:
        return Verdict(Outcome.EXPIRED, expiry.words, tuple(checks), **extra)
    if revocation.state is CheckState.COULD_NOT_CHECK:
        return Verdict(
            Outcome.UNCONFIRMED,
            "signed by its issuer and unchanged, but whether it was revoked "
            f"could not be checked ({revocation.words})",
            tuple(checks),
            **extra,
        )
    return Verdict(
        Outcome.VERIFIED,
        "signed by its issuer, unchanged, in date and not revoked",
        tuple(checks),
        **extra,
    )
