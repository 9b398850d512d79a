"""The signed Bitstring Status List: built by the issuer, read only when its signature holds."""

from __future__ import annotations

import base64
import gzip
import json

import jwt
import pytest

from mcdesk.badges.issuer_key import new_issuer_key
from mcdesk.badges.jws import b64url, sign_compact
from mcdesk.badges.status_list import (
    MIN_ENTRIES,
    RevocationState,
    StatusRefused,
    build_status_list,
    read_status,
)
from tests.badges.samples import ISSUED, LIST_URL


def test_revoked_bits_read_back_and_others_stay_active() -> None:
    key = new_issuer_key()
    document = build_status_list(
        key=key, list_url=LIST_URL, revoked=[0, 7, 131071], issued_at=ISSUED
    )
    for index, state in (
        (0, "revoked"),
        (7, "revoked"),
        (131071, "revoked"),
        (1, "active"),
        (8, "active"),
    ):
        reading = read_status(
            document=document.encode(), issuer_did=key.did, list_url=LIST_URL, index=index
        )
        assert reading.state is RevocationState(state)


def test_the_list_is_a_bitstring_status_list_credential_pyjwt_can_verify() -> None:
    key = new_issuer_key()
    document = build_status_list(key=key, list_url=LIST_URL, revoked=[7], issued_at=ISSUED)
    claims = jwt.decode(
        document,
        key=key.private_key.public_key(),
        algorithms=["EdDSA"],
        options={"verify_nbf": False},
    )
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = claims["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == MIN_ENTRIES
    # Index 7 is the last bit of the first byte (left-most bit is index 0).
    assert bits[0] == 0b0000_0001


def _resigned(document: str, change: dict[str, object]) -> str:
    head, body, sig = document.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(change)
    return f"{head}.{b64url(json.dumps(payload).encode())}.{sig}"


def test_an_altered_or_foreign_list_is_refused() -> None:
    key, other = new_issuer_key(), new_issuer_key()
    document = build_status_list(key=key, list_url=LIST_URL, revoked=[7], issued_at=ISSUED)
    altered = _resigned(document, {"validFrom": "2030-01-01T00:00:00Z"})
    with pytest.raises(StatusRefused, match="altered"):
        read_status(document=altered.encode(), issuer_did=key.did, list_url=LIST_URL, index=7)
    foreign = build_status_list(key=other, list_url=LIST_URL, revoked=[], issued_at=ISSUED)
    with pytest.raises(StatusRefused, match="another key"):
        read_status(document=foreign.encode(), issuer_did=key.did, list_url=LIST_URL, index=7)
    with pytest.raises(StatusRefused, match="not the one"):
        read_status(
            document=document.encode(), issuer_did=key.did, list_url=LIST_URL + "x", index=7
        )
    with pytest.raises(StatusRefused, match="not a signed list"):
        read_status(document=b"<html>503</html>", issuer_did=key.did, list_url=LIST_URL, index=7)


def test_a_gzip_bomb_is_refused_before_it_is_inflated() -> None:
    key = new_issuer_key()
    bomb = gzip.compress(bytes(20 * 1024 * 1024))
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    document = sign_compact(
        payload={
            "id": LIST_URL,
            "credentialSubject": {"statusPurpose": "revocation", "encodedList": encoded},
        },
        key=key,
        typ="JWT",
    )
    with pytest.raises(StatusRefused, match="16 MiB"):
        read_status(document=document.encode(), issuer_did=key.did, list_url=LIST_URL, index=7)


def test_a_list_smaller_than_the_minimum_is_not_built() -> None:
    with pytest.raises(ValueError, match="at least"):
        build_status_list(
            key=new_issuer_key(), list_url=LIST_URL, revoked=[], issued_at=ISSUED, size=8
        )
    with pytest.raises(ValueError, match="outside"):
        build_status_list(
            key=new_issuer_key(), list_url=LIST_URL, revoked=[MIN_ENTRIES], issued_at=ISSUED
        )
