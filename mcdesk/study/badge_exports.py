"""One stored badge: what its page shows, the files a learner downloads, and where to share it.

Everything works offline: the badge is re-checked here with the one verifier (signature,
issuer and content; revocation needs the network, so the stored status is what counts),
and every file is made from the signed text the school server sent.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from urllib.parse import urlencode

from mcdesk.badges.award import parse_iso
from mcdesk.badges.baking import BadgeVersion, bake_png, bake_svg
from mcdesk.badges.images import BadgeArt, badge_png, badge_svg
from mcdesk.badges.ob3 import envelope_json
from mcdesk.badges.summary import BadgeSummary, summarize
from mcdesk.badges.verdict import CheckState, Verdict
from mcdesk.badges.verify import verify_badge
from mcdesk.errors import McdeskError
from mcdesk.store.connection import opened

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


class BadgeUnavailable(McdeskError):
    """The badge is not in this learner's wallet, or its stored copy no longer checks out."""


class ExportKind(Enum):
    """The files a learner can download; the value is the file name's ending."""

    PNG = ".png"
    PNG_OB2 = ".ob2.png"
    SVG = ".svg"
    JSON = ".json"


# What a station can check with no network. Dates are left out on purpose: a station whose
# clock is behind the server's would otherwise refuse a fresh badge as "not yet valid" (and
# the stream would never send it again); the verify page and the CLI judge the dates.
STATION_CHECKS = ("format", "signature", "issuer", "content")


def station_problem(verdict: Verdict) -> str | None:
    """Why a station must not keep this badge (signature, issuer, content), or None."""
    states = {check.name: check for check in verdict.checks}
    for name in STATION_CHECKS:
        check = states.get(name)
        if check is None or check.state is not CheckState.PASSED:
            return verdict.reason if check is None else check.words
    if verdict.credential is None or verdict.version is None:
        return verdict.reason
    return None


@dataclass(frozen=True, slots=True)
class BadgeDetail:
    """A badge as its page shows it, with the signed texts the exports are made from."""

    credential_id: str
    learner_name: str
    summary: BadgeSummary
    revoked: bool
    revoked_reason: str | None
    verify_url: str | None
    jwt: str
    assertion_jws: str | None
    expired: bool = False

    @property
    def file_stem(self) -> str:
        """A safe file name for downloads: "ana-lima-basic-construction-math"."""
        words = f"{self.learner_name} {self.summary.achievement}".lower()
        stem = "".join(c if c.isalnum() else "-" for c in words)
        return "-".join(part for part in stem.split("-") if part)[:80] or "badge"


def badge_detail(
    database: Path, *, learner_id: str, credential_id: str, now: datetime
) -> BadgeDetail:
    """The stored badge, re-checked offline; BadgeUnavailable when it is not this learner's."""
    with opened(database, read_only=True) as connection:
        row = connection.execute(
            "SELECT b.status, b.revoked_reason, b.verify_url, b.jwt, b.assertion_jws,"
            " coalesce(l.display_name, '') FROM badge b LEFT JOIN learner l ON l.id = b.learner_id"
            " WHERE b.credential_id = ? AND b.learner_id = ?",
            (credential_id, learner_id),
        ).fetchone()
    if row is None:
        raise BadgeUnavailable("This badge is not in your wallet on this station.")
    verdict = verify_badge(str(row[3]).encode("utf-8"), now=now)
    problem = station_problem(verdict)
    if problem is not None or verdict.credential is None or verdict.version is None:
        raise BadgeUnavailable(f"This badge's stored copy does not check out: {problem}")
    return BadgeDetail(
        credential_id=credential_id,
        learner_name=str(row[5]),
        summary=summarize(verdict.credential, version=verdict.version),
        revoked=row[0] == "revoked",
        revoked_reason=None if row[1] is None else str(row[1]),
        verify_url=None if row[2] is None else str(row[2]),
        jwt=str(row[3]),
        assertion_jws=None if row[4] is None else str(row[4]),
        expired=_expired(verdict, now),
    )


def _expired(verdict: Verdict, now: datetime) -> bool:
    """Whether the badge's stated expiry is past (shown on its page; a verifier judges too)."""
    summary = summarize(verdict.credential or {}, version=verdict.version or BadgeVersion.OB3)
    until = parse_iso(summary.expires)
    return until is not None and until <= now


def export_kinds(detail: BadgeDetail) -> tuple[ExportKind, ...]:
    """What this badge can be downloaded as (a 2.0 PNG only when the server sent a 2.0 badge)."""
    kinds = [ExportKind.PNG, ExportKind.SVG, ExportKind.JSON]
    if detail.assertion_jws is not None:
        kinds.insert(1, ExportKind.PNG_OB2)
    return tuple(kinds)


def _art(detail: BadgeDetail) -> BadgeArt:
    return BadgeArt(title=detail.summary.achievement, cluster=detail.summary.career_cluster or "")


def badge_picture(detail: BadgeDetail) -> bytes:
    """The badge's 512 px picture (PNG), as the badge page shows it."""
    return badge_png(_art(detail))


def export_bytes(detail: BadgeDetail, kind: ExportKind) -> bytes:
    """The file's bytes: a baked image or the credential JSON, from the signed text as sent."""
    art = _art(detail)
    if kind is ExportKind.JSON:
        return envelope_json(detail.jwt)
    if kind is ExportKind.PNG:
        return bake_png(image=badge_png(art), text=detail.jwt, version=BadgeVersion.OB3)
    if kind is ExportKind.PNG_OB2:
        if detail.assertion_jws is None:
            raise BadgeUnavailable("The school server sent no Open Badges 2.0 form of this badge.")
        return bake_png(image=badge_png(art), text=detail.assertion_jws, version=BadgeVersion.OB2)
    # SVG: the 2.0 form when there is one (what 2.0 SVG readers look for), else 3.0.
    if detail.assertion_jws is not None:
        return bake_svg(image=badge_svg(art), text=detail.assertion_jws, version=BadgeVersion.OB2)
    return bake_svg(image=badge_svg(art), text=detail.jwt, version=BadgeVersion.OB3)


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".mcdesk-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def export_badge(detail: BadgeDetail, kind: ExportKind, *, path: Path) -> Path:
    """Make the file and write it where the learner chose."""
    return write_file(path, export_bytes(detail, kind))


def linkedin_url(detail: BadgeDetail) -> str:
    """LinkedIn's documented add-certification link, every value escaped."""
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": detail.summary.achievement,
        "organizationName": detail.summary.issuer_name,
    }
    issued = parse_iso(detail.summary.issued)
    if issued is not None:
        fields |= {"issueYear": str(issued.year), "issueMonth": str(issued.month)}
    expires = parse_iso(detail.summary.expires) if detail.summary.expires else None
    if expires is not None:
        fields |= {"expirationYear": str(expires.year), "expirationMonth": str(expires.month)}
    if detail.verify_url:
        fields["certUrl"] = detail.verify_url
    fields["certId"] = detail.credential_id
    return f"{LINKEDIN_ADD}?{urlencode(fields)}"


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A QR code of ``text`` as PNG bytes (error correction M, a quiet zone of 4)."""
    import segno  # only the certificate needs it

    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
