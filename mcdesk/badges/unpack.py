"""Find the signed token in whatever a person hands the verifier: PNG, SVG, JSON or a JWT."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mcdesk.badges.baking import (
    MAX_IMAGE_BYTES,
    PNG_SIGNATURE,
    BadgeVersion,
    BakeRefused,
    unbake_png,
    unbake_svg,
)
from mcdesk.badges.jws import COMPACT_JWS, MAX_TOKEN_BYTES
from mcdesk.badges.ob3 import ENVELOPE_PREFIX
from mcdesk.errors import McdeskError
from mcdesk.jsonread import JsonRefused, read_json

# What the start of a JWT looks like: base64url of '{"', then base64url and dots only.
_TOKEN_START = re.compile(r"^eyJ[A-Za-z0-9_.-]*$")


class NotABadge(McdeskError, ValueError):
    """Input the verifier cannot read as a badge; the message says why in words."""


@dataclass(frozen=True, slots=True)
class Unpacked:
    """The signed token, where it came from, and any readable copy shown beside it."""

    token: str
    container: str
    version_hint: BadgeVersion | None
    displayed: Any = None


def _from_json(document: Any, container: str) -> Unpacked:
    if not isinstance(document, dict):
        raise NotABadge(f"the {container} is not a JSON object")
    envelope_id = document.get("id")
    if document.get("type") == "EnvelopedVerifiableCredential" or (
        isinstance(envelope_id, str) and envelope_id.startswith(ENVELOPE_PREFIX)
    ):
        if not isinstance(envelope_id, str) or not envelope_id.startswith(ENVELOPE_PREFIX):
            raise NotABadge("the enveloped credential does not hold a data:application/vc+jwt")
        return Unpacked(
            token=envelope_id.removeprefix(ENVELOPE_PREFIX),
            container=container,
            version_hint=BadgeVersion.OB3,
        )
    proof = document.get("proof")
    if proof is not None:
        proofs = proof if isinstance(proof, list) else [proof]
        kinds = sorted({str(p.get("type")) if isinstance(p, dict) else "?" for p in proofs})
        raise NotABadge(
            f"unknown proof type {', '.join(kinds)}: this verifier checks VC-JWT (EdDSA) "
            "credentials and 2.0 signed badges; an embedded Data Integrity proof is not checked"
        )
    verification = document.get("verification")
    if isinstance(verification, dict) and str(verification.get("type")).lower() == "hosted":
        raise NotABadge(
            "this is a hosted 2.0 assertion: the file alone carries no signature; "
            "open its id at the school's server, or verify the baked or signed badge"
        )
    raise NotABadge("the JSON carries no signature (no VC-JWT envelope and no signed badge)")


def _token_text(raw: bytes, container: str, hint: BadgeVersion | None) -> Unpacked:
    text = raw.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            document = read_json(text, what=f"the {container}", max_bytes=MAX_TOKEN_BYTES)
        except JsonRefused as exc:
            raise NotABadge(str(exc)) from None
        return _from_json(document, container)
    if text.startswith("http://") or text.startswith("https://"):
        raise NotABadge(f"the {container} holds only a link ({text[:80]}); fetch that to verify")
    if not COMPACT_JWS.match(text):
        raise NotABadge(
            f"the {container} does not hold a signed token (it is damaged or cut short)"
        )
    return Unpacked(token=text, container=container, version_hint=hint)


def unpack(data: bytes) -> Unpacked:
    """The signed token in `data`; NotABadge in words for anything else."""
    if len(data) > MAX_IMAGE_BYTES:
        raise NotABadge(f"the file is too large ({len(data):,} bytes; the limit is 16 MiB)")
    if not data.strip():
        raise NotABadge("the file is empty")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if data.startswith(PNG_SIGNATURE):
            found = unbake_png(data)
            return _token_text(found.text.encode("utf-8"), "baked PNG", found.version)
        if head.startswith(b"<"):
            found = unbake_svg(data)
            unpacked = _token_text(found.text.encode("utf-8"), "baked SVG", found.version)
            displayed = None
            if found.displayed is not None:
                try:
                    displayed = read_json(
                        found.displayed,
                        what="the SVG's readable assertion",
                        max_bytes=MAX_TOKEN_BYTES,
                    )
                except JsonRefused as exc:
                    raise NotABadge(str(exc)) from None
            return Unpacked(unpacked.token, unpacked.container, unpacked.version_hint, displayed)
    except BakeRefused as exc:
        raise NotABadge(str(exc)) from None
    if head.startswith(b"{"):
        try:
            document = read_json(data, what="the JSON file", max_bytes=MAX_TOKEN_BYTES)
        except JsonRefused as exc:
            raise NotABadge(str(exc)) from None
        return _from_json(document, "JSON file")
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise NotABadge("it is not a badge: expected a PNG, an SVG, JSON or a JWT") from None
    if COMPACT_JWS.match(text):
        return Unpacked(token=text, container="JWT", version_hint=None)
    if _TOKEN_START.match(text):
        raise NotABadge("the signed token is cut short or damaged (a JWT has three parts)")
    raise NotABadge("it is not a badge: expected a PNG, an SVG, JSON or a JWT")
