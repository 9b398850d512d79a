"""Compact JWS with EdDSA (RFC 7515, RFC 8037): the signed form of 3.0 and 2.0 badges."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mcdesk.badges.didkey import DidRefused, public_key_from_did
from mcdesk.badges.issuer_key import IssuerKey
from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.canonical import canonical_json

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
MAX_TOKEN_BYTES = 1024 * 1024
_MAX_HEADER_BYTES = 4096


class JwsRefused(ValueError):
    """A token that is not a well-formed EdDSA compact JWS; the message says why."""


def b64url(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url without padding; JwsRefused when it is not."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise JwsRefused("a part of the token is not base64url") from None


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as an OKP JWK (RFC 8037); never the private part."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def sign_compact(*, payload: dict[str, Any], key: IssuerKey, typ: str) -> str:
    """Sign `payload` (serialized canonically) as a compact JWS naming the key twice.

    `kid` is the did:key method (resolved offline); `jwk` carries the same public key for
    verifiers that only dereference HTTP key URLs, as OB 3.0 §8.2 allows.
    """
    header = {
        "alg": "EdDSA",
        "kid": key.method,
        "jwk": public_jwk(key.private_key.public_key()),
        "typ": typ,
    }
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(payload))}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


@dataclass(frozen=True, slots=True)
class ParsedJws:
    """A compact JWS split into its parts, not yet checked."""

    header: dict[str, Any]
    payload: Any
    signing_input: bytes
    signature: bytes


def parse_compact(token: str) -> ParsedJws:
    """Split and decode a compact JWS (sizes bounded); JwsRefused in words when malformed."""
    if len(token) > MAX_TOKEN_BYTES:
        raise JwsRefused(f"the token is too large ({len(token):,} characters)")
    if not COMPACT_JWS.match(token):
        raise JwsRefused("it is not a compact JWS (three base64url parts joined by dots)")
    head, body, sig = token.split(".")
    try:
        header = read_json(
            b64url_decode(head), what="the token header", max_bytes=_MAX_HEADER_BYTES
        )
        payload = read_json(
            b64url_decode(body), what="the token payload", max_bytes=MAX_TOKEN_BYTES
        )
    except JsonRefused as exc:
        raise JwsRefused(str(exc)) from None
    if not isinstance(header, dict):
        raise JwsRefused("the token header is not a JSON object")
    return ParsedJws(
        header=header,
        payload=payload,
        signing_input=f"{head}.{body}".encode("ascii"),
        signature=b64url_decode(sig),
    )


def signer_key(parsed: ParsedJws) -> tuple[str, Ed25519PublicKey]:
    """The kid and the Ed25519 key it names; JwsRefused for other algorithms or key ids."""
    alg = parsed.header.get("alg")
    if alg != "EdDSA":
        raise JwsRefused(f"the signature algorithm {alg!r} is not EdDSA, the only one accepted")
    kid = parsed.header.get("kid")
    if not isinstance(kid, str):
        raise JwsRefused("the token header names no key (kid)")
    try:
        public_key = public_key_from_did(kid)
    except DidRefused as exc:
        raise JwsRefused(f"the signing key cannot be resolved offline: {exc}") from None
    if "jwk" in parsed.header and parsed.header["jwk"] != public_jwk(public_key):
        raise JwsRefused("the header's jwk is not the key its kid names")
    return kid, public_key


def signature_holds(parsed: ParsedJws, public_key: Ed25519PublicKey) -> bool:
    """Whether the signature is the key's Ed25519 signature over header and payload."""
    try:
        public_key.verify(parsed.signature, parsed.signing_input)
    except InvalidSignature:
        return False
    return True
