"""did:key identifiers and the VC-JWT signature, checked by an independent JWT library."""

from __future__ import annotations

import base64

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mcdesk.badges.didkey import DidRefused, public_key_from_did, verification_method
from mcdesk.badges.issuer_key import issuer_key_from_bytes, new_issuer_key
from mcdesk.badges.ob3 import issue_credential
from tests.badges.samples import sample_award

# RFC 8032 §7.1, test 1: a fixed key so the did:key is checked against a value.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


def _raw(public_key: object) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)  # type: ignore[attr-defined]


def test_a_did_key_resolves_back_to_its_public_key_with_no_network() -> None:
    key = issuer_key_from_bytes(RFC8032_SECRET)
    # Ed25519 did:keys start z6Mk (multicodec 0xed01 in base58btc), as the did:key method says.
    assert key.did.startswith("did:key:z6Mk")
    assert _raw(public_key_from_did(key.did)) == RFC8032_PUBLIC
    assert _raw(public_key_from_did(key.method)) == RFC8032_PUBLIC
    assert key.method == verification_method(key.did) == f"{key.did}#{key.did[8:]}"


def test_every_fresh_key_round_trips() -> None:
    for _ in range(20):
        key = new_issuer_key()
        assert _raw(public_key_from_did(key.did)) == _raw(key.private_key.public_key())


@pytest.mark.parametrize(
    ("did", "words"),
    [
        ("did:web:lincoln.example.org", "not a did:key"),
        ("did:key:z6Mk0OIl", "not a base58 character"),
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "Ed25519"),
        ("did:key:z" + "1" * 300, "too long"),
    ],
)
def test_other_identifiers_are_refused_in_words(did: str, words: str) -> None:
    with pytest.raises(DidRefused, match=words):
        public_key_from_did(did)


def test_a_fragment_naming_another_key_is_refused() -> None:
    one, other = new_issuer_key(), new_issuer_key()
    with pytest.raises(DidRefused, match="fragment"):
        public_key_from_did(f"{one.did}#{other.did[8:]}")


def test_the_vc_jwt_verifies_with_pyjwt_and_the_issuer_public_key() -> None:
    key = new_issuer_key()
    issued = issue_credential(award=sample_award(key), key=key)
    # PyJWT is not our code; it gets the key straight from `cryptography`, not our did resolver.
    claims = jwt.decode(
        issued.jwt,
        key=key.private_key.public_key(),
        algorithms=["EdDSA"],
        options={"verify_nbf": False, "verify_exp": False},
    )
    assert claims["name"] == "Basic Construction Math"
    assert claims["iss"] == key.did == claims["issuer"]["id"]
    assert claims["jti"] == issued.credential["id"]
    header = jwt.get_unverified_header(issued.jwt)
    raw = _raw(key.private_key.public_key())
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert header == {
        "alg": "EdDSA",
        "kid": key.method,
        "jwk": {"kty": "OKP", "crv": "Ed25519", "x": x},
        "typ": "JWT",
    }
    # PyJWT can also take the key from the header's JWK alone.
    from_header = jwt.PyJWK(header["jwk"]).key
    assert (
        jwt.decode(
            issued.jwt, key=from_header, algorithms=["EdDSA"], options={"verify_nbf": False}
        )["jti"]
        == issued.credential["id"]
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(issued.jwt, key=Ed25519PrivateKey.generate().public_key(), algorithms=["EdDSA"])
