"""Unlock codes: RFC 4226 truncation, station binding, and what a person may type."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from mcdesk.protocol.codes import code_for, format_code, hotp, normalise_code, truncate

# RFC 4226 Appendix D: secret "12345678901234567890", HMAC-SHA-1, 6 digits, counters 0-9.
RFC_SECRET = b"12345678901234567890"
RFC_CODES = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC_CODES)))
def test_the_truncation_gives_the_rfc_4226_appendix_d_values(counter: int, expected: str) -> None:
    message = counter.to_bytes(8, "big")
    assert hotp(RFC_SECRET, message, digits=6, hash_name="sha1") == expected


def test_the_rfc_intermediate_values_for_counter_0() -> None:
    digest = hmac.new(RFC_SECRET, (0).to_bytes(8, "big"), hashlib.sha1).digest()
    assert digest.hex() == "cc93cf18508d94934c64b65d8ba7667fb7cde4b0"
    assert truncate(digest, digits=10) == "1284755224"  # the RFC's 0x4c93cf18 = 1284755224


def test_codes_are_eight_digits_zero_padded() -> None:
    # The top bit is masked and the offset comes from the last nibble: 1 → "00000001".
    digest = bytes([0x80, 0, 0, 1]) + bytes(27) + bytes([0x00])
    assert truncate(digest, digits=8) == "00000001"
    codes = [code_for(b"k" * 32, station_id="s", counter=n) for n in range(1, 200)]
    assert all(len(code) == 8 and code.isdigit() for code in codes)
    assert any(code.startswith("0") for code in codes)


def test_a_code_depends_on_the_secret_the_station_and_the_counter() -> None:
    secret = bytes(range(32))
    code = code_for(secret, station_id="station-a", counter=7)
    assert code == code_for(secret, station_id="station-a", counter=7)
    assert code != code_for(secret, station_id="station-b", counter=7)
    assert code != code_for(secret, station_id="station-a", counter=8)
    assert code != code_for(bytes(32), station_id="station-a", counter=7)
    message = b"station-a" + (7).to_bytes(8, "big")
    assert code == hotp(secret, message, digits=8, hash_name="sha256")


def test_a_counter_must_fit_in_eight_bytes() -> None:
    with pytest.raises(ValueError, match="8 bytes"):
        code_for(b"k", station_id="s", counter=-1)
    with pytest.raises(ValueError, match="8 bytes"):
        code_for(b"k", station_id="s", counter=1 << 64)


@pytest.mark.parametrize(
    "typed", ["12345678", "1234 5678", " 1234-5678 ", "12-34-56-78", "1234\u20135678", "1234\t5678"]
)
def test_spaces_and_dashes_are_ignored(typed: str) -> None:
    assert normalise_code(typed) == "12345678"


@pytest.mark.parametrize(
    "typed", ["", "1234567", "123456789", "1234 567x", "１２３４５６７８", "1234.5678"]
)
def test_anything_but_eight_ascii_digits_is_not_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_codes_are_shown_in_two_groups_of_four() -> None:
    assert format_code("01234567") == "0123 4567"
