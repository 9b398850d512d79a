from __future__ import annotations

from pathlib import Path

import pytest

from mcdesk.content.sealing import (
    SealError,
    bank_aad,
    new_pack_key,
    read_pack_key,
    seal,
    unseal,
    write_pack_key,
)


def test_a_sealed_bank_opens_only_with_its_key_and_its_pack_identity() -> None:
    key = new_pack_key("p")
    sealed = seal(b"secret items", pack_key=key, aad=bank_aad("p", "1.0.0"))
    assert unseal(sealed, pack_key=key, aad=bank_aad("p", "1.0.0")) == b"secret items"
    with pytest.raises(SealError, match="does not open"):
        unseal(sealed, pack_key=new_pack_key("p"), aad=bank_aad("p", "1.0.0"))
    with pytest.raises(SealError, match="does not open"):
        unseal(sealed, pack_key=key, aad=bank_aad("p", "1.0.1"))
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(SealError, match="does not open"):
        unseal(bytes(tampered), pack_key=key, aad=bank_aad("p", "1.0.0"))


def test_sealing_is_deterministic_but_differs_per_plaintext() -> None:
    key = new_pack_key("p")
    aad = bank_aad("p", "1.0.0")
    assert seal(b"a", pack_key=key, aad=aad) == seal(b"a", pack_key=key, aad=aad)
    assert seal(b"a", pack_key=key, aad=aad)[:12] != seal(b"b", pack_key=key, aad=aad)[:12]


def test_pack_key_files_round_trip_owner_only_and_reject_edits(tmp_path: Path) -> None:
    key = new_pack_key("p")
    path = tmp_path / "p.packkey.json"
    write_pack_key(path, key)
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_pack_key(path) == key
    path.write_text(path.read_text().replace(key.key_id, "0" * 16))
    with pytest.raises(SealError, match="key_id does not match"):
        read_pack_key(path)
