"""What a badge says, as typed inputs: the issuer, the micro-credential, the learner's result."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum


class IdentityKind(Enum):
    """How the recipient is identified before hashing."""

    EMAIL = "email"
    LEARNER_ID = "learner_id"


@dataclass(frozen=True, slots=True)
class IssuerProfile:
    """The school that issues: its did:key, name and optional web address."""

    did: str
    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A framework entry the micro-credential aligns to (a career cluster, a standard)."""

    target_name: str
    target_url: str
    target_framework: str | None = None
    target_code: str | None = None
    target_description: str | None = None


@dataclass(frozen=True, slots=True)
class SkillSpec:
    """One targeted skill of the micro-credential."""

    skill_id: str
    name: str


@dataclass(frozen=True, slots=True)
class MicroCredentialSpec:
    """The achievement: what every learner who passes this micro-credential earns."""

    achievement_id: str
    name: str
    description: str
    career_cluster: str
    skills: tuple[SkillSpec, ...]
    image_url: str | None = None
    cluster_alignment: Alignment | None = None
    alignments: tuple[Alignment, ...] = ()


@dataclass(frozen=True, slots=True)
class SkillScore:
    """The learner's percent correct on one targeted skill."""

    skill_id: str
    percent: int


@dataclass(frozen=True, slots=True)
class Recipient:
    """The learner as a salted SHA-256 hash; the plain identity never enters a badge."""

    kind: IdentityKind
    identity_hash: str
    salt: str
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class AttemptEvidence:
    """The assessment attempt behind the badge, with optional study figures."""

    attempt_id: str
    active_minutes: int | None = None
    self_check_mastery: float | None = None


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """This credential's bit in the issuer's published revocation status list."""

    list_url: str
    index: int


@dataclass(frozen=True, slots=True)
class Award:
    """Everything one credential says; built by the server after its own re-score passes."""

    credential_id: str
    issuer: IssuerProfile
    micro_credential: MicroCredentialSpec
    recipient: Recipient
    scores: tuple[SkillScore, ...]
    assessed_at: datetime
    issued_at: datetime
    evidence: AttemptEvidence
    status: StatusEntry | None = None
    valid_until: datetime | None = None


def normalise_identity(identity: str, *, kind: IdentityKind) -> str:
    """Trimmed; e-mail addresses in lower case, so 'Ana@School.org' matches 'ana@school.org'."""
    text = identity.strip()
    return text.lower() if kind is IdentityKind.EMAIL else text


def identity_hash(identity: str, *, salt: str, kind: IdentityKind) -> str:
    """'sha256$' + hex SHA-256 of the normalised identity followed by the salt (OB rules)."""
    text = normalise_identity(identity, kind=kind) + salt
    return "sha256$" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_recipient(
    *,
    identity: str,
    kind: IdentityKind,
    salt: str | None = None,
    display_name: str | None = None,
) -> Recipient:
    """A hashed recipient with a fresh random salt unless one is given."""
    used_salt = salt if salt is not None else secrets.token_hex(16)
    return Recipient(
        kind=kind,
        identity_hash=identity_hash(identity, salt=used_salt, kind=kind),
        salt=used_salt,
        display_name=display_name,
    )


def iso_z(moment: datetime) -> str:
    """UTC date-time with a Z, to the second (what validFrom and issuedOn carry)."""
    if moment.tzinfo is None:
        raise ValueError("a badge date must carry its time zone")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: object) -> datetime | None:
    """A date-time with a zone, or None when it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
