"""Code slots: the exam key sealed under a code with scrypt + AES-256-GCM (real crypto)."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from mcdesk.protocol.slots import (
    DEFAULT_PARAMS,
    FAST_TEST_PARAMS,
    ScryptParams,
    make_slot,
    open_slot,
)

EXAM_KEY = os.urandom(32)


def test_the_right_code_opens_the_slot_for_its_counter() -> None:
    slot = make_slot("12345678", EXAM_KEY, counter=3, params=FAST_TEST_PARAMS)
    assert open_slot(slot, code="12345678", counter=3) == EXAM_KEY
    assert open_slot(slot, code="1234 5678", counter=3) == EXAM_KEY
    assert (slot.n, slot.r, slot.p) == (2**10, 8, 1)
    assert EXAM_KEY not in slot.sealed_key


def test_a_wrong_code_or_another_counter_opens_nothing() -> None:
    slot = make_slot("12345678", EXAM_KEY, counter=3, params=FAST_TEST_PARAMS)
    assert open_slot(slot, code="12345679", counter=3) is None
    assert open_slot(slot, code="12345678", counter=4) is None  # the counter is bound in
    assert open_slot(slot, code="not a code", counter=3) is None


def test_an_altered_slot_opens_nothing() -> None:
    slot = make_slot("12345678", EXAM_KEY, counter=3, params=FAST_TEST_PARAMS)
    flipped = bytes([slot.sealed_key[0] ^ 1]) + slot.sealed_key[1:]
    assert open_slot(replace(slot, sealed_key=flipped), code="12345678", counter=3) is None
    assert open_slot(replace(slot, salt=os.urandom(16)), code="12345678", counter=3) is None
    assert open_slot(replace(slot, n=2**11), code="12345678", counter=3) is None
    # A used slot has its key material deleted: empty blobs open nothing.
    used = replace(slot, salt=b"", nonce=b"", sealed_key=b"")
    assert open_slot(used, code="12345678", counter=3) is None


def test_a_tampered_cost_cannot_make_the_station_allocate_gigabytes() -> None:
    slot = make_slot("12345678", EXAM_KEY, counter=1, params=FAST_TEST_PARAMS)
    assert open_slot(replace(slot, n=2**30), code="12345678", counter=1) is None
    assert open_slot(replace(slot, n=3), code="12345678", counter=1) is None
    with pytest.raises(ValueError, match="power of two"):
        ScryptParams(n=1000, r=8)
    with pytest.raises(ValueError, match="out of range"):
        ScryptParams(n=2**10, r=0)


def test_a_slot_is_made_from_an_eight_digit_code_and_a_32_byte_key() -> None:
    with pytest.raises(ValueError, match="8-digit"):
        make_slot("1234", EXAM_KEY, counter=1, params=FAST_TEST_PARAMS)
    with pytest.raises(ValueError, match="32 bytes"):
        make_slot("12345678", b"short", counter=1, params=FAST_TEST_PARAMS)


def test_every_slot_has_its_own_salt_and_nonce() -> None:
    one = make_slot("12345678", EXAM_KEY, counter=1, params=FAST_TEST_PARAMS)
    two = make_slot("12345678", EXAM_KEY, counter=1, params=FAST_TEST_PARAMS)
    assert one.salt != two.salt
    assert one.nonce != two.nonce
    assert one.sealed_key != two.sealed_key


def test_the_default_cost_is_64_mib_and_a_real_check_works() -> None:
    assert DEFAULT_PARAMS.memory_bytes == 64 * 2**20
    slot = make_slot("87654321", EXAM_KEY, counter=9, params=DEFAULT_PARAMS)
    start = time.perf_counter()
    assert open_slot(slot, code="87654321", counter=9) == EXAM_KEY
    # The budget is 0.1-0.3 s (bench/code_check.py); only a gross change fails here.
    assert 0.02 < time.perf_counter() - start < 3
