"""Code slots: the station exam key sealed under one future unlock code each.

A slot holds ``salt, nonce, AESGCM(scrypt(code, salt)).encrypt(nonce, exam_key)``, so
typing the right code both proves it and releases the key, and nothing on the station
can tell a right code from a wrong one without paying for scrypt.

Offline guessing cost, measured on the development machine (bench/code_check.py): one
check with DEFAULT_PARAMS (n=2**16, r=8, p=1: 64 MiB) takes about 0.15 s on one core, so
trying all 10^8 codes of one slot costs 10^8 × 0.15 s ≈ 1.5·10^7 s ≈ 0.5 CPU-years
(half that on average). The 64 MiB per guess is what keeps a GPU from running thousands
of guesses side by side. That is a deterrent sized for a lab, not a vault: someone with a
hundred cores and a copy of the database needs a day or two, which is why slots are
single use and refilled, and why a used slot's sealed key is deleted.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mcdesk.protocol.codes import counter_bytes, normalise_code

SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
SLOT_AAD = b"mcdesk-slot|"
# Bounds for parameters read back from the store: a tampered row must not make the
# station allocate gigabytes or spin for minutes before it says "wrong code".
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: memory is 128·n·r bytes, time grows with n·r·p."""

    n: int
    r: int
    p: int = 1

    def __post_init__(self) -> None:
        if not (2 <= self.n <= _MAX_N and self.n & (self.n - 1) == 0):
            raise ValueError(f"scrypt n must be a power of two up to 2**20, not {self.n}")
        if not (1 <= self.r <= _MAX_R and 1 <= self.p <= _MAX_P):
            raise ValueError(f"scrypt r={self.r}, p={self.p} is out of range")

    @property
    def memory_bytes(self) -> int:
        return 128 * self.n * self.r

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        """A 32-byte key from a code or password."""
        return hashlib.scrypt(
            secret,
            salt=salt,
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=self.memory_bytes + 2**20,
            dklen=KEY_BYTES,
        )


# 0.15 s and 64 MiB per check here. n=2**17 took 0.30 s and 128 MiB: the top of the
# budget for a check a learner waits for, twice the memory on an old lab PC, and 12 s
# for the 40 slots of a first run.
DEFAULT_PARAMS = ScryptParams(n=2**16, r=8, p=1)
# For tests only: the same code path at 1/64 of the cost.
FAST_TEST_PARAMS = ScryptParams(n=2**10, r=8, p=1)


@dataclass(frozen=True, slots=True)
class Slot:
    """One sealed copy of the exam key, opened by the code for its counter."""

    salt: bytes
    nonce: bytes
    sealed_key: bytes
    n: int
    r: int
    p: int

    @property
    def params(self) -> ScryptParams:
        return ScryptParams(n=self.n, r=self.r, p=self.p)


def slot_aad(counter: int) -> bytes:
    """Binds a sealed key to its counter: a slot copied to another counter will not open."""
    return SLOT_AAD + counter_bytes(counter)


def make_slot(code: str, exam_key: bytes, *, counter: int, params: ScryptParams) -> Slot:
    """Seal the exam key under the code for ``counter``."""
    digits = normalise_code(code)
    if digits is None:
        raise ValueError("a slot is made from an 8-digit code")
    if len(exam_key) != KEY_BYTES:
        raise ValueError("an exam key is 32 bytes")
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    key = params.derive(digits.encode("ascii"), salt)
    sealed = AESGCM(key).encrypt(nonce, exam_key, slot_aad(counter))
    return Slot(salt=salt, nonce=nonce, sealed_key=sealed, n=params.n, r=params.r, p=params.p)


def open_slot(slot: Slot, *, code: str, counter: int) -> bytes | None:
    """The exam key if ``code`` is the code for this slot's counter, else None."""
    digits = normalise_code(code)
    if digits is None or len(slot.salt) != SALT_BYTES or len(slot.nonce) != NONCE_BYTES:
        return None
    try:
        key = slot.params.derive(digits.encode("ascii"), slot.salt)
        exam_key = AESGCM(key).decrypt(slot.nonce, slot.sealed_key, slot_aad(counter))
    except (InvalidTag, ValueError):
        return None
    return exam_key if len(exam_key) == KEY_BYTES else None
