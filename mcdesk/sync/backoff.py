"""Retry delays: exponential backoff with full jitter, so stations do not retry in step."""

from __future__ import annotations

import random
from dataclasses import dataclass

BASE_SECONDS = 2.0
CAP_SECONDS = 300.0


def next_delay(
    attempt: int, rng: random.Random, *, base: float = BASE_SECONDS, cap: float = CAP_SECONDS
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 for the first), in [0, ceiling]."""
    if attempt < 0:
        raise ValueError("attempt must be 0 or more")
    # Capped exponent: 2**attempt for a station offline for weeks would overflow a float.
    ceiling = min(cap, base * 2 ** min(attempt, 32))
    return rng.uniform(0.0, ceiling)


@dataclass(slots=True)
class Backoff:
    """Counts failures in a row; the caller sleeps, this only says how long."""

    base: float = BASE_SECONDS
    cap: float = CAP_SECONDS
    attempt: int = 0

    def next_delay(self, attempt: int, rng: random.Random) -> float:
        """The delay for ``attempt`` with this backoff's base and cap."""
        return next_delay(attempt, rng, base=self.base, cap=self.cap)

    def failed(self, rng: random.Random) -> float:
        """Record a failure; the delay before the next try."""
        delay = self.next_delay(self.attempt, rng)
        self.attempt += 1
        return delay

    def succeeded(self) -> None:
        """Reset after a successful sync: the next failure starts from the base again."""
        self.attempt = 0
