"""Issuing a badge when the server's own re-score of a result passes and the result counts.

The station's word alone never issues a badge: only a result the server re-scored (at
push time, mcdesk.server.batch, or later, mcdesk.server.rescore.rescore_pending) can.
Each badge gets a random free bit in the status list (the Bitstring Status List spec asks
for random indexes, so a list lookup does not reveal the issuing order) and is recorded
in the ``badges`` stream for its school, in the transaction that stores it.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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
    iso_z,
    make_recipient,
    parse_iso,
)
from mcdesk.badges.issue import issue_badge
from mcdesk.badges.issuer_key import IssuerKey, issuer_key_from_private
from mcdesk.badges.status_list import MIN_ENTRIES
from mcdesk.content.standards import Standard, standards_of
from mcdesk.protocol.attempt_score import AttemptScore
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.badge_models import Badge, BadgeSite
from mcdesk.server.db import make_engine
from mcdesk.server.models import Flag, PublishedPack, School, Station
from mcdesk.server.models import Result as ResultRow
from mcdesk.server.signer import load_signer
from mcdesk.server.standing import earns_badge

CLUSTER_FALLBACK = "Career and technical education"
STATUS_LIST = "1"  # one list of MIN_ENTRIES bits; a second list when it fills is not built
_INDEX_TRIES = 8


def badge_earned(session: Session, result: ResultRow) -> bool:
    """Whether a result earns a badge: `standing.earns_badge()` (it counts, the server
    re-scored it and it passed), and no flag (a chain gap, a fork, a score mismatch) waits
    on its event for a person to read."""
    return result.id in badges_earned(session, [result])


def badges_earned(session: Session, results: list[ResultRow]) -> set[str]:
    """The ids of ``results`` that earn a badge (``badge_earned``), in two queries."""
    if not results:
        return set()
    session.flush()  # the re-score and any withholding of this batch are in the query
    earned = set(
        session.exec(
            select(ResultRow.id).where(
                col(ResultRow.id).in_([result.id for result in results]), earns_badge()
            )
        )
    )
    events = {(r.station_id, r.event_id): r.id for r in results if r.id in earned}
    if not events:
        return set()
    flagged = session.exec(
        select(Flag.station_id, Flag.event_id).where(
            col(Flag.station_id).in_({station for station, _ in events}),
            col(Flag.event_id).in_({event for _, event in events}),
        )
    )
    withheld = {events.get((station, event or ""), "") for station, event in flagged}
    return set(events.values()) - withheld


def public_url(session: Session) -> str | None:
    """The server's public base URL for badges, or None when it has none."""
    site = session.get(BadgeSite, 1)
    return None if site is None else site.public_url.rstrip("/")


def set_public_url(session: Session, *, url: str | None) -> None:
    """Record (or clear) the public base URL every road of issuing uses; the caller commits."""
    site = session.get(BadgeSite, 1)
    if url is None:
        if site is not None:
            session.delete(site)
        return
    if site is None:
        site = BadgeSite(id=1, public_url=url.rstrip("/"))
    site.public_url = url.rstrip("/")
    session.add(site)


def checked_public_url(text: str) -> str:
    """The public base URL without a trailing slash; ValueError in words if it is not one."""
    parsed = urlsplit(text.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(
            "--public-url must be an http(s) address such as https://badges.example.org, "
            f"not {text!r}"
        )
    if parsed.query or parsed.fragment:
        raise ValueError(f"--public-url takes no query or fragment: {text!r}")
    return text.strip().rstrip("/")


def save_public_url(*, database_url: str, url: str) -> None:
    """Record the public base URL in the server database (the server command, at start)."""
    engine = make_engine(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            set_public_url(session, url=checked_public_url(url))
            session.commit()
    finally:
        engine.dispose()


def status_list_url(base: str, name: str = STATUS_LIST) -> str:
    """Where the server publishes a status list."""
    return f"{base}/badges/status/{name}"


def badge_image_url(base: str, pack_id: str) -> str:
    """Where the server hosts a micro-credential's badge picture."""
    return f"{base}/badges/images/{pack_id}.png"


def verify_url(base: str, credential_id: str) -> str:
    """The public verify link of a badge."""
    return f"{base}/verify/{credential_id.removeprefix('urn:uuid:')}"


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the server stores is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def badge_document(badge: Badge) -> dict[str, Any]:
    """The badge as the ``badges`` stream and the receipts file carry it (docs/badges.md)."""
    return {
        "credential_id": badge.credential_id,
        "learner_id": badge.learner_id,
        "pack_id": badge.pack_id,
        "result_id": badge.result_id,
        "status": "issued" if badge.revoked_at is None else "revoked",
        "jwt": badge.jwt,
        "assertion_jws": badge.assertion_jws,
        "verify_url": badge.verify_url,
        "issued_at": iso_z(_aware(badge.issued_at)),
        "revoked_reason": badge.revoked_reason,
    }


def school_badges(session: Session, *, school_id: str | None) -> list[dict[str, Any]]:
    """Every badge of a school as it stands now, oldest first (the receipts file carries them)."""
    if school_id is None:
        return []
    rows = session.exec(
        select(Badge)
        .where(col(Badge.school_id) == school_id)
        .order_by(col(Badge.issued_at), col(Badge.credential_id))
    )
    return [badge_document(badge) for badge in rows]


def record_badge(session: Session, *, badge: Badge, now: datetime) -> None:
    """Put the badge's current document in its school's ``badges`` stream."""
    changes.record(
        session,
        stream=Stream.BADGES,
        key=badge.credential_id,
        document=badge_document(badge),
        now=now,
        school_id=badge.school_id,
    )


def _skill(entry: object) -> SkillSpec:
    if isinstance(entry, dict):
        skill_id = str(entry.get("id", ""))
        return SkillSpec(skill_id=skill_id, name=str(entry.get("title") or skill_id))
    return SkillSpec(skill_id=str(entry), name=str(entry))


def _alignment(standard: Standard, skills: tuple[SkillSpec, ...]) -> Alignment:
    """A standard as an Open Badges alignment; its description names the skills it covers."""
    names = {skill.skill_id: skill.name for skill in skills}
    covered = [names.get(skill_id, skill_id) for skill_id in standard.skills]
    return Alignment(
        target_name=standard.title,
        target_url=standard.url,
        target_framework=standard.framework,
        target_code=standard.code,
        target_description=("Skills: " + "; ".join(covered)) if covered else None,
    )


def _spec(manifest: dict[str, Any], base: str | None) -> MicroCredentialSpec:
    """The achievement from a published manifest (publish checked it; gaps get plain words)."""
    pack_id = str(manifest["id"])
    title = str(manifest.get("title") or pack_id)
    skills = manifest.get("skills")
    skill_specs = tuple(_skill(entry) for entry in skills) if isinstance(skills, list) else ()
    return MicroCredentialSpec(
        achievement_id=f"{base}/ob2/badgeclasses/{pack_id}" if base else f"urn:mcdesk:{pack_id}",
        name=title,
        description=str(manifest.get("summary") or title),
        career_cluster=str(manifest.get("career_cluster") or CLUSTER_FALLBACK),
        skills=skill_specs,
        alignments=tuple(_alignment(entry, skill_specs) for entry in standards_of(manifest)),
        # The server hosts the picture at its public URL; without one, 2.0 inlines it.
        image_url=badge_image_url(base, pack_id) if base else None,
    )


def valid_for(manifest: dict[str, Any]) -> timedelta | None:
    """How long the pack's badge stays valid (``[badge] valid_for_days``); None: no expiry."""
    badge = manifest.get("badge")
    days = badge.get("valid_for_days") if isinstance(badge, dict) else None
    return timedelta(days=days) if isinstance(days, int) and days > 0 else None


def _award(
    *,
    key: IssuerKey,
    school: str,
    spec: MicroCredentialSpec,
    lifetime: timedelta | None,
    result: ResultRow,
    document: dict[str, Any],
    score: AttemptScore,
    base: str | None,
    index: int,
    now: datetime,
) -> Award:
    timing = document.get("timing")
    ended = parse_iso(timing.get("ended_at")) if isinstance(timing, dict) else None
    return Award(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer=IssuerProfile(did=key.did, name=school, url=base),
        micro_credential=spec,
        # The roster id, hashed with a fresh salt: long and random, so not guessable.
        recipient=make_recipient(identity=result.learner_id, kind=IdentityKind.LEARNER_ID),
        scores=tuple(
            SkillScore(skill_id=skill_id, percent=round(100 * skill.ratio))
            for skill_id, skill in sorted(score.skills.items())
        ),
        assessed_at=ended or _aware(result.received_at),
        issued_at=now,
        evidence=AttemptEvidence(attempt_id=result.attempt_id),
        status=None if base is None else StatusEntry(list_url=status_list_url(base), index=index),
        valid_until=None if lifetime is None else now + lifetime,
    )


def issue_if_earned(
    session: Session,
    *,
    result: ResultRow,
    document: dict[str, Any],
    score: AttemptScore,
    now: datetime,
) -> Badge | None:
    """Issue and record the result's badge if it counts and has none yet; the caller commits."""
    if not badge_earned(session, result):
        return None
    if session.exec(select(Badge).where(col(Badge.result_id) == result.id)).first() is not None:
        return None
    signer = load_signer(session)
    station = session.get(Station, result.station_id)
    pack = session.get(PublishedPack, (result.pack_id, result.pack_version))
    if signer is None or station is None or pack is None:
        return None
    school = None if station.school_id is None else session.get(School, station.school_id)
    key = issuer_key_from_private(signer.private_key)
    base = public_url(session)
    manifest = json.loads(pack.manifest)
    spec = _spec(manifest, base)
    for _ in range(_INDEX_TRIES):
        index = secrets.randbelow(MIN_ENTRIES)
        award = _award(
            key=key,
            school=school.name if school is not None else "mcdesk server",
            spec=spec,
            lifetime=valid_for(manifest),
            result=result,
            document=document,
            score=score,
            base=base,
            index=index,
            now=now,
        )
        issued = issue_badge(award=award, key=key, public_base_url=base)
        badge = Badge(
            credential_id=award.credential_id,
            result_id=result.id,
            station_id=result.station_id,
            school_id=station.school_id,
            learner_id=result.learner_id,
            pack_id=result.pack_id,
            status_index=index,
            jwt=issued.jwt,
            assertion_jws=issued.assertion_jws,
            assertion=json.dumps(issued.assertion, separators=(",", ":")),
            verify_url=None if base is None else verify_url(base, award.credential_id),
            issued_at=now,
        )
        try:
            with session.begin_nested():
                session.add(badge)
                session.flush()
        except IntegrityError:
            continue  # the random index was taken (or another request issued it): try again
        record_badge(session, badge=badge, now=now)
        return badge
    return None
