"""The one verifier: every input gets a verdict in words, and only a sound badge is 'verified'."""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcdesk.badges.baking import BadgeVersion, bake_png, bake_svg
from mcdesk.badges.images import BadgeArt, badge_png, badge_svg
from mcdesk.badges.issuer_key import IssuerKey, new_issuer_key
from mcdesk.badges.jws import b64url, sign_compact
from mcdesk.badges.ob2 import build_assertion, revocation_list, sign_assertion
from mcdesk.badges.ob3 import build_credential, issue_credential, sign_credential
from mcdesk.badges.status_list import StatusUnavailable, build_status_list
from mcdesk.badges.verdict import CheckState, Outcome, Verdict
from mcdesk.badges.verify import verify_badge
from tests.badges.samples import EMAIL, ISSUED, LIST_URL, NOW, SPEC, sample_award

ART = BadgeArt(title=SPEC.name, cluster=SPEC.career_cluster)
BASE = "https://badges.lincoln.example.org"


@pytest.fixture(scope="module")
def key() -> IssuerKey:
    return new_issuer_key()


@pytest.fixture(scope="module")
def token(key: IssuerKey) -> str:
    return issue_credential(award=sample_award(key), key=key).jwt


def _lists(
    key: IssuerKey, revoked: tuple[int, ...] = (), ob2_revoked: dict[str, str] | None = None
) -> Callable[[str], bytes]:
    documents = {
        LIST_URL: build_status_list(
            key=key, list_url=LIST_URL, revoked=revoked, issued_at=ISSUED
        ).encode(),
        f"{BASE}/ob2/revocations": json.dumps(
            revocation_list(
                list_url=f"{BASE}/ob2/revocations",
                issuer_id=f"{BASE}/ob2/issuer",
                revoked=ob2_revoked or {},
            )
        ).encode(),
    }

    def fetch(url: str) -> bytes:
        if url not in documents:
            raise StatusUnavailable("404")
        return documents[url]

    return fetch


def _state(verdict: Verdict, name: str) -> CheckState:
    return {check.name: check.state for check in verdict.checks}[name]


def _ob3_forms(token: str) -> dict[str, bytes]:
    envelope = json.dumps(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "data:application/vc+jwt," + token,
            "type": "EnvelopedVerifiableCredential",
        }
    ).encode()
    return {
        "png": bake_png(image=badge_png(ART), text=token, version=BadgeVersion.OB3),
        "svg": bake_svg(image=badge_svg(ART), text=token, version=BadgeVersion.OB3),
        "json": envelope,
        "jwt": token.encode() + b"\n",
    }


@pytest.mark.parametrize("form", ["png", "svg", "json", "jwt"])
def test_a_sound_3_0_badge_is_verified_in_every_form(key: IssuerKey, token: str, form: str) -> None:
    verdict = verify_badge(
        _ob3_forms(token)[form], now=NOW, identity=EMAIL, fetch_status=_lists(key)
    )
    assert verdict.outcome is Outcome.VERIFIED, verdict.lines()
    assert [c.name for c in verdict.checks] == [
        "format",
        "signature",
        "issuer",
        "content",
        "recipient",
        "expiry",
        "revocation",
    ]
    assert all(c.state is CheckState.PASSED for c in verdict.checks)
    assert verdict.version is BadgeVersion.OB3
    assert verdict.credential is not None
    assert verdict.credential["name"] == "Basic Construction Math"
    assert "iss" not in verdict.credential


@pytest.mark.parametrize("form", ["png", "svg"])
def test_a_sound_2_0_signed_badge_is_verified(key: IssuerKey, form: str) -> None:
    assertion = build_assertion(
        award=sample_award(key), key=key, public_base_url=BASE, fallback_image="x"
    )
    jws = sign_assertion(assertion=assertion, key=key)
    baked = (
        bake_png(image=badge_png(ART), text=jws, version=BadgeVersion.OB2)
        if form == "png"
        else bake_svg(
            image=badge_svg(ART),
            text=jws,
            version=BadgeVersion.OB2,
            displayed=json.dumps(assertion),
        )
    )
    verdict = verify_badge(baked, now=NOW, identity=EMAIL.upper(), fetch_status=_lists(key))
    assert verdict.outcome is Outcome.VERIFIED, verdict.lines()
    revoked = verify_badge(
        baked, now=NOW, fetch_status=_lists(key, ob2_revoked={assertion["id"]: "issued in error"})
    )
    assert revoked.outcome is Outcome.REVOKED
    assert "issued in error" in revoked.reason


def test_the_recipient_check_names_who_it_is_not_for(key: IssuerKey, token: str) -> None:
    verdict = verify_badge(
        token.encode(), now=NOW, identity="someone@else.org", fetch_status=_lists(key)
    )
    assert verdict.outcome is Outcome.INVALID
    assert "not issued to someone@else.org" in verdict.reason
    accented = verify_badge(token.encode(), now=NOW, identity="Zoë Ñúñez", fetch_status=_lists(key))
    assert "not issued to Zoë Ñúñez" in accented.reason
    named = issue_credential(award=sample_award(key, display_name="Ana López"), key=key).jwt
    # The display name is shown, never accepted as proof of who the badge belongs to.
    by_name = verify_badge(named.encode(), now=NOW, identity="Ana López", fetch_status=_lists(key))
    assert by_name.outcome is Outcome.INVALID
    unchecked = verify_badge(token.encode(), now=NOW, fetch_status=_lists(key))
    assert _state(unchecked, "recipient") is CheckState.NOT_CHECKED
    assert unchecked.outcome is Outcome.VERIFIED


def _payload(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.replace("]", "").replace("[", ".").split(".")
    target: Any = document
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


FIELDS = [
    "name",
    "issuer.name",
    "validFrom",
    "credentialSubject.achievement.name",
    "credentialSubject.achievement.criteria.narrative",
    "credentialSubject.result[1].value",
    "credentialSubject.identifier[0].identityHash",
    "credentialSubject.activityEndDate",
    "evidence[0].narrative",
    "credentialStatus.statusListIndex",
]


@pytest.mark.parametrize("path", FIELDS)
def test_a_field_changed_in_the_signed_token_breaks_the_signature(
    key: IssuerKey, token: str, path: str
) -> None:
    payload = _payload(token)
    _set(payload, path, "2099-01-01T00:00:00Z" if "Date" in path or "valid" in path else "100")
    head, _, sig = token.split(".")
    forged = f"{head}.{b64url(json.dumps(payload).encode())}.{sig}"
    verdict = verify_badge(forged.encode(), now=NOW, fetch_status=_lists(key))
    assert verdict.outcome is Outcome.INVALID
    assert _state(verdict, "signature") is CheckState.FAILED
    assert "changed after it was signed" in verdict.reason


@pytest.mark.parametrize("path", FIELDS)
def test_a_field_changed_in_the_displayed_copy_is_named(
    key: IssuerKey, token: str, path: str
) -> None:
    shown = json.loads(json.dumps(issue_credential(award=sample_award(key), key=key).credential))
    _set(shown, path, "tampered")
    verdict = verify_badge(token.encode(), now=NOW, fetch_status=_lists(key), displayed=shown)
    assert verdict.outcome is Outcome.INVALID
    assert verdict.changed_fields == (path,)
    assert path in verdict.reason


def test_a_field_changed_in_a_2_0_svgs_readable_copy_is_named(key: IssuerKey) -> None:
    assertion = build_assertion(
        award=sample_award(key), key=key, public_base_url=BASE, fallback_image="x"
    )
    shown = json.loads(json.dumps(assertion))
    shown["badge"]["name"] = "Advanced Construction Math"
    baked = bake_svg(
        image=badge_svg(ART),
        text=sign_assertion(assertion=assertion, key=key),
        version=BadgeVersion.OB2,
        displayed=json.dumps(shown),
    )
    verdict = verify_badge(baked, now=NOW, fetch_status=_lists(key))
    assert verdict.outcome is Outcome.INVALID
    assert verdict.changed_fields == ("badge.name",)
    assert "badge.name" in verdict.reason


def test_a_badge_re_signed_by_another_key_is_invalid_and_says_why(key: IssuerKey) -> None:
    thief = new_issuer_key()
    credential = build_credential(award=sample_award(key))
    credential["credentialSubject"]["achievement"]["name"] = "Master Electrician"
    forged = sign_compact(payload={**credential, "iss": key.did}, key=thief, typ="JWT")
    verdict = verify_badge(forged.encode(), now=NOW, fetch_status=_lists(key))
    assert verdict.outcome is Outcome.INVALID
    assert "issuer.id" in verdict.reason
    # A thief who names themself as issuer signs validly, but is not who the verifier trusts.
    own = build_credential(award=sample_award(thief))
    selfmade = sign_credential(credential=own, key=thief)
    trusted = verify_badge(
        selfmade.encode(), now=NOW, fetch_status=_lists(thief), trusted_issuers={key.did}
    )
    assert trusted.outcome is Outcome.INVALID
    assert "not an issuer this verifier trusts" in trusted.reason


def test_revoked_expired_and_not_yet_valid(key: IssuerKey, token: str) -> None:
    revoked = verify_badge(token.encode(), now=NOW, fetch_status=_lists(key, revoked=(7,)))
    assert revoked.outcome is Outcome.REVOKED
    assert _state(revoked, "revocation") is CheckState.FAILED
    expiring = issue_credential(
        award=sample_award(key, valid_until=ISSUED + timedelta(days=1)), key=key
    )
    expired = verify_badge(expiring.jwt.encode(), now=NOW, fetch_status=_lists(key))
    assert expired.outcome is Outcome.EXPIRED
    assert "expired on 2026-11-03" in expired.reason
    early = verify_badge(token.encode(), now=ISSUED - timedelta(days=1), fetch_status=_lists(key))
    assert early.outcome is Outcome.INVALID
    assert "not valid until" in early.reason


def test_an_unreachable_status_list_is_never_verified(key: IssuerKey, token: str) -> None:
    def down(url: str) -> bytes:
        raise StatusUnavailable("no answer (ConnectTimeout)")

    for fetch in (down, None):
        verdict = verify_badge(token.encode(), now=NOW, fetch_status=fetch)
        assert verdict.outcome is Outcome.UNCONFIRMED
        assert _state(verdict, "revocation") is CheckState.COULD_NOT_CHECK
        assert "could not be checked" in verdict.reason
    forged_list = build_status_list(
        key=new_issuer_key(), list_url=LIST_URL, revoked=[], issued_at=ISSUED
    )
    verdict = verify_badge(token.encode(), now=NOW, fetch_status=lambda url: forged_list.encode())
    assert verdict.outcome is Outcome.UNCONFIRMED
    assert "another key" in verdict.reason


def _png_with(*chunks: bytes) -> bytes:
    png = badge_png(ART)
    return png[:-12] + b"".join(chunks) + png[-12:]


def _itxt(keyword: bytes, text: bytes) -> bytes:
    data = keyword + b"\0\0\0\0\0" + text
    return (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )


def _deep(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


def _header(token: str) -> dict[str, Any]:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def _unsigned(header: dict[str, Any], token: str) -> bytes:
    _, body, sig = token.split(".")
    return f"{b64url(json.dumps(header).encode())}.{body}.{sig}".encode()


HOSTILE: list[tuple[str, Callable[[str], bytes], str]] = [
    (
        "two chunks",
        lambda t: _png_with(
            _itxt(b"openbadgecredential", t.encode()), _itxt(b"openbadgecredential", t.encode())
        ),
        "2 badge chunks",
    ),
    (
        "2 MiB chunk",
        lambda t: _png_with(_itxt(b"openbadgecredential", b"A" * 2 * 1024 * 1024)),
        "over 1 MiB",
    ),
    ("10,000-deep JSON", lambda t: _deep(10_000), "nests deeper"),
    (
        "deep JSON in a PNG",
        lambda t: _png_with(_itxt(b"openbadgecredential", _deep(10_000))),
        "nests deeper",
    ),
    ("garbage", lambda t: bytes(range(256)) * 10, "not a badge"),
    ("empty", lambda t: b"", "empty"),
    ("truncated JWT", lambda t: t[: len(t) // 2].encode(), "cut short or damaged"),
    ("cut-off signature", lambda t: t[:-20].encode(), "changed after it was signed"),
    (
        "unknown proof type",
        lambda t: json.dumps(
            {"type": ["VerifiableCredential"], "proof": [{"type": "BbsBlsSignature2020"}]}
        ).encode(),
        "unknown proof type BbsBlsSignature2020",
    ),
    (
        "data integrity proof",
        lambda t: json.dumps({"proof": {"type": "DataIntegrityProof"}}).encode(),
        "unknown proof type DataIntegrityProof",
    ),
    ("unsigned JSON", lambda t: json.dumps(_payload(t)).encode(), "carries no signature"),
    ("alg none", lambda t: _unsigned({"alg": "none", "kid": "x"}, t), "'none' is not EdDSA"),
    ("alg HS256", lambda t: _unsigned({"alg": "HS256", "kid": "x"}, t), "'HS256' is not EdDSA"),
    (
        "jwk and kid disagree",
        lambda t: _unsigned(
            {
                "alg": "EdDSA",
                "kid": _header(t)["kid"],
                "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
            },
            t,
        ),
        "jwk is not the key its kid names",
    ),
    (
        "kid not a did:key",
        lambda t: _unsigned({"alg": "EdDSA", "kid": "https://evil.example/key"}, t),
        "cannot be resolved offline",
    ),
    ("huge file", lambda t: b"{" + b" " * (17 * 1024 * 1024), "too large"),
    (
        "hosted 2.0 JSON",
        lambda t: json.dumps({"type": "Assertion", "verification": {"type": "hosted"}}).encode(),
        "hosted 2.0 assertion",
    ),
]


@pytest.mark.parametrize(("name", "make", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_gets_a_verdict_in_words(
    key: IssuerKey, token: str, name: str, make: Callable[[str], bytes], words: str
) -> None:
    verdict = verify_badge(make(token), now=NOW, fetch_status=_lists(key))
    assert verdict.outcome is Outcome.INVALID
    assert verdict.reason
    assert re.search(words, verdict.reason), verdict.reason
    assert all(check.state is not CheckState.PASSED for check in verdict.checks[-1:])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4096))
def test_any_bytes_get_a_verdict_and_never_verified(data: bytes) -> None:
    verdict = verify_badge(data, now=NOW)
    assert verdict.outcome is Outcome.INVALID
    assert verdict.reason


@pytest.fixture(scope="module")
def fuzz_png(key: IssuerKey, token: str) -> bytes:
    return bake_png(image=badge_png(ART), text=token, version=BadgeVersion.OB3)


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_a_flipped_byte_anywhere_in_a_baked_png_is_never_verified(
    key: IssuerKey, fuzz_png: bytes, position: int, flip: int
) -> None:
    baked = bytearray(fuzz_png)
    index = position % len(baked)
    baked[index] ^= flip
    verdict = verify_badge(bytes(baked), now=NOW, fetch_status=_lists(key))
    # Every PNG chunk carries a CRC that unbaking checks, so no flipped byte goes unnoticed.
    assert verdict.outcome is not Outcome.VERIFIED


def test_signed_claims_that_disagree_with_the_credential_are_named(key: IssuerKey) -> None:
    credential = build_credential(award=sample_award(key))
    claims = {"iss": key.did, "jti": credential["id"], "nbf": 0}
    token = sign_compact(payload={**credential, **claims}, key=key, typ="JWT")
    verdict = verify_badge(token.encode(), now=NOW, fetch_status=_lists(key))
    assert verdict.outcome is Outcome.INVALID
    assert verdict.changed_fields == ("nbf",)
    assert "inconsistent: nbf" in verdict.reason
