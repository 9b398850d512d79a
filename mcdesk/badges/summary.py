"""What a verify page or wallet shows of a badge, read from the signed credential."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mcdesk.badges.award import parse_iso
from mcdesk.badges.baking import BadgeVersion
from mcdesk.badges.jws import JwsRefused, parse_compact


@dataclass(frozen=True, slots=True)
class SkillLine:
    """One targeted skill and the learner's result on it."""

    name: str
    result: str | None


@dataclass(frozen=True, slots=True)
class BadgeSummary:
    """The human-facing facts of a badge, for display beside its verdict."""

    achievement: str
    description: str
    issuer_name: str
    issuer_id: str
    issued: str
    expires: str | None
    image: str | None
    career_cluster: str | None
    skills: tuple[SkillLine, ...]
    recipient_name: str | None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _image(value: Any) -> str | None:
    return _text(value) or _text(_dict(value).get("id"))


def _ob3(credential: Mapping[str, Any]) -> BadgeSummary:
    subject = _dict(credential.get("credentialSubject"))
    achievement = _dict(subject.get("achievement"))
    issuer = _dict(credential.get("issuer"))
    results = {
        _text(r.get("resultDescription")): _text(r.get("value"))
        for r in _list(subject.get("result"))
        if isinstance(r, dict)
    }
    skills = tuple(
        SkillLine(name=_text(d.get("name")) or "?", result=results.get(_text(d.get("id"))))
        for d in _list(achievement.get("resultDescription"))
        if isinstance(d, dict)
    )
    names = [
        _text(i.get("identityHash"))
        for i in _list(subject.get("identifier"))
        if isinstance(i, dict) and i.get("identityType") == "name" and i.get("hashed") is False
    ]
    tags = [t for t in _list(achievement.get("tag")) if isinstance(t, str)]
    return BadgeSummary(
        achievement=_text(achievement.get("name")) or _text(credential.get("name")) or "?",
        description=_text(achievement.get("description")) or "",
        issuer_name=_text(issuer.get("name")) or "unnamed issuer",
        issuer_id=_text(issuer.get("id")) or _text(credential.get("issuer")) or "?",
        issued=_text(credential.get("validFrom")) or "?",
        expires=_text(credential.get("validUntil")),
        image=_image(achievement.get("image")) or _image(credential.get("image")),
        career_cluster=tags[0] if tags else None,
        skills=skills,
        recipient_name=names[0] if names else None,
    )


def _ob2(assertion: Mapping[str, Any]) -> BadgeSummary:
    badge = _dict(assertion.get("badge"))
    issuer = _dict(badge.get("issuer"))
    tags = [t for t in _list(badge.get("tags")) if isinstance(t, str)]
    return BadgeSummary(
        achievement=_text(badge.get("name")) or "?",
        description=_text(badge.get("description")) or "",
        issuer_name=_text(issuer.get("name")) or "unnamed issuer",
        issuer_id=_text(issuer.get("id")) or "?",
        issued=_text(assertion.get("issuedOn")) or "?",
        expires=_text(assertion.get("expires")),
        image=_image(badge.get("image")),
        career_cluster=tags[0] if tags else None,
        # 2.0 has no per-skill results; the skills are the tags after the cluster.
        skills=tuple(SkillLine(name=t, result=None) for t in tags[1:]),
        recipient_name=None,
    )


def summarize(credential: Mapping[str, Any], *, version: BadgeVersion) -> BadgeSummary:
    """The display facts of a verified credential (`Verdict.credential`)."""
    return _ob3(credential) if version is BadgeVersion.OB3 else _ob2(credential)


def stated_expiry(token: str) -> datetime | None:
    """When a signed badge says it expires (3.0 ``validUntil``, 2.0 ``expires``), unchecked.

    For showing a stored badge only: the verifier is what judges a badge's dates.
    """
    try:
        payload = parse_compact(token).payload
    except JwsRefused:
        return None
    if not isinstance(payload, dict):
        return None
    return parse_iso(payload.get("validUntil", payload.get("expires")))
