"""One unlock-code check (scrypt + AES-GCM, DEFAULT_PARAMS): time, peak memory, guessing cost.

The figure is `open_slot` on a real slot: what a station pays for each typed code and an
attacker pays for each guess. Floors from the same run: one AES-GCM decrypt of the 32-byte
exam key and one SHA-256 (what a check would cost without a memory-hard KDF). Memory is
the peak RSS of a child process doing checks, beside a child that imports the same
modules and does one AES-GCM decrypt (tracemalloc cannot see OpenSSL's scrypt buffer).
Targets: a check takes 100-300 ms; 40 first-run slots take at most 15 s. The guessing
cost (10^8 codes × one check, on one core) is reported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time

from measure import ROOT, median, run_process, table

from mcdesk.protocol.slots import DEFAULT_PARAMS, make_slot, open_slot

CODES = 10**8
SECONDS_PER_YEAR = 365.25 * 24 * 3600


def child(kind: str, runs: int) -> None:
    """Run in a child process: checks (or only the floor); print the timings as JSON."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    exam_key = os.urandom(32)
    key, nonce = os.urandom(32), os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, exam_key, b"aad")
    samples = []
    if kind == "check":
        slot = make_slot("12345678", exam_key, counter=1, params=DEFAULT_PARAMS)
        for _ in range(runs):
            start = time.perf_counter()
            assert open_slot(slot, code="12345678", counter=1) == exam_key
            samples.append(time.perf_counter() - start)
    else:
        AESGCM(key).decrypt(nonce, sealed, b"aad")
    print(json.dumps(samples))


def floor_seconds(runs: int = 20_000) -> tuple[float, float]:
    """Median seconds of one AES-GCM decrypt of 32 bytes, and of one SHA-256 of 32 bytes."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key, nonce, data = os.urandom(32), os.urandom(12), os.urandom(32)
    aead = AESGCM(key)
    sealed = aead.encrypt(nonce, data, b"aad")
    decrypts, hashes = [], []
    for _ in range(runs):
        start = time.perf_counter()
        aead.decrypt(nonce, sealed, b"aad")
        decrypts.append(time.perf_counter() - start)
        start = time.perf_counter()
        hashlib.sha256(data).digest()
        hashes.append(time.perf_counter() - start)
    return median(decrypts), median(hashes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", choices=["check", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")])}
    me = [sys.executable, __file__]
    checked = run_process([*me, "--child", "check", "--runs", str(args.runs)], env=env)
    bare = run_process([*me, "--child", "floor"], env=env)
    check = median(json.loads(checked.stdout))
    aes, sha = floor_seconds()
    cpu_years = CODES * check / SECONDS_PER_YEAR
    p = DEFAULT_PARAMS
    table(
        f"Unlock-code check, scrypt n=2^{p.n.bit_length() - 1} r={p.r} p={p.p} + AES-GCM",
        [
            (
                "one check (median)",
                f"{check * 1000:.0f} ms",
                f"AES-GCM 32 B {aes * 1e6:.1f} µs; SHA-256 {sha * 1e6:.2f} µs",
                f"{check / aes:,.0f}× AES-GCM",
                "100–300 ms",
            ),
            (
                "peak RSS of a checking process",
                f"{checked.peak_rss_mib:.0f} MiB",
                f"{bare.peak_rss_mib:.0f} MiB (same imports, no scrypt)",
                f"+{checked.peak_rss_mib - bare.peak_rss_mib:.0f} MiB",
                f"scrypt needs {p.memory_bytes / 2**20:.0f} MiB",
            ),
            (
                "all 10^8 codes of one slot, one core",
                f"{cpu_years:.2f} CPU-years",
                f"{CODES * aes:.0f} s at the AES-GCM floor",
                f"{check / aes:,.0f}×",
                "reported",
            ),
            (
                "first-run slots (40 checks' worth)",
                f"{40 * check:.1f} s",
                "",
                "",
                "≤ 15 s",
            ),
        ],
    )


if __name__ == "__main__":
    main()
