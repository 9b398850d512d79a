"""The Open Badges 2.0 documents the server hosts at its public URL.

Each is the object that was signed into a badge, as issuing stored it (``Badge.assertion``),
so the hosted copy and the signed copy never disagree: the assertion at its id, its
BadgeClass at ``/ob2/badgeclasses/<pack>`` (from the latest badge of that pack), the
Issuer profile at ``/ob2/issuer`` (from the latest badge), and the badge picture every
credential points to, ``/badges/images/<pack>.png``. A server holds one issuer key,
so 2.0 has one issuer profile per server: with several schools on one server, the hosted
profile carries the name of the school that issued last (each signed badge, and each 3.0
credential, names its own school).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.badges.images import BadgeArt, badge_png
from mcdesk.badges.ob2 import hosted_assertion, hosted_badge_class, hosted_issuer
from mcdesk.server.badge_models import Badge
from mcdesk.server.issuing import CLUSTER_FALLBACK, public_url
from mcdesk.server.publish import newest_published
from mcdesk.server.revoking import BadgeError, find_badge

# Drawing a badge takes milliseconds; the public image route answers from here after the
# first request (a bounded set: the server's published packs, title and cluster).
_IMAGES = 256


def _assertion(badge: Badge) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(badge.assertion)  # written by issuing only
    return document


def _hosted_rows(session: Session, *, pack_id: str | None = None) -> Badge:
    """The latest badge issued with hosted 2.0 ids (of one pack, when given)."""
    base = public_url(session)
    if base is None:
        raise BadgeError("this server has no public URL (mcdesk server --public-url)")
    query = select(Badge).order_by(col(Badge.issued_at).desc(), col(Badge.credential_id))
    if pack_id is not None:
        query = query.where(col(Badge.pack_id) == pack_id[:100])
    for badge in session.exec(query):
        if str(_assertion(badge).get("id", "")).startswith(f"{base}/"):
            return badge
    what = "this server" if pack_id is None else f"micro-credential {pack_id!r}"
    raise BadgeError(f"no hosted Open Badges 2.0 badge of {what} yet")


def assertion_document(session: Session, *, credential_id: str) -> tuple[dict[str, Any], Badge]:
    """The hosted assertion and its badge row; BadgeError when it is not hosted here."""
    if public_url(session) is None:
        raise BadgeError("this server has no public URL (mcdesk server --public-url)")
    badge = find_badge(session, credential_id=credential_id[:100])
    if badge is None:
        raise BadgeError(f"no badge {credential_id!r} on this server")
    assertion = _assertion(badge)
    if not str(assertion.get("id", "")).startswith("http"):
        raise BadgeError(
            "this badge was issued before the server had a public URL; it is not hosted"
        )
    return hosted_assertion(assertion), badge


def badge_class_document(session: Session, *, pack_id: str) -> dict[str, Any]:
    """The hosted BadgeClass of a micro-credential; BadgeError when none is hosted."""
    embedded = _assertion(_hosted_rows(session, pack_id=pack_id))["badge"]
    return hosted_badge_class(embedded)


def issuer_document(session: Session) -> dict[str, Any]:
    """The hosted Issuer profile; BadgeError when the server hosts no 2.0 badge yet."""
    embedded = _assertion(_hosted_rows(session))["badge"]["issuer"]
    return hosted_issuer(embedded)


@lru_cache(maxsize=_IMAGES)
def _drawn(title: str, cluster: str) -> bytes:
    return badge_png(BadgeArt(title=title, cluster=cluster))


def badge_image(session: Session, *, pack_id: str) -> bytes:
    """The 512 px badge picture of a published micro-credential (what its badges point to)."""
    pack = newest_published(session, pack_id[:100])
    if pack is None:
        raise BadgeError(f"no micro-credential {pack_id!r} on this server")
    manifest = json.loads(pack.manifest)  # checked when it was published
    title = str(manifest.get("title") or pack.pack_id)
    return _drawn(title, str(manifest.get("career_cluster") or CLUSTER_FALLBACK))
