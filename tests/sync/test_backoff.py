"""Retry delays: exponential with full jitter, capped, reset on success."""

from __future__ import annotations

import random

import pytest

from mcdesk.sync.backoff import Backoff, next_delay


def test_delays_stay_within_the_doubling_ceiling_and_the_cap() -> None:
    rng = random.Random(3)
    for attempt, ceiling in [(0, 2), (1, 4), (2, 8), (7, 256), (8, 300), (500, 300)]:
        delays = [next_delay(attempt, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # full jitter reaches up to the ceiling
        assert min(delays) < ceiling * 0.2  # and down towards zero


def test_a_success_starts_again_from_the_base() -> None:
    backoff, rng = Backoff(), random.Random(5)
    for _ in range(10):
        backoff.failed(rng)
    assert backoff.attempt == 10
    backoff.succeeded()
    assert backoff.attempt == 0
    assert all(backoff.failed(random.Random(n)) <= 2 for n in range(50) if not backoff.succeeded())


def test_a_negative_attempt_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        next_delay(-1, random.Random(1))
