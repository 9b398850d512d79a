"""The assessment clock: elapsed time from a monotonic clock, never from the wall clock.

Rules (the engine documents the whole suspend rule):

- Elapsed time accrues only while the clock runs, in steps between two reads.
- A step that goes backwards counts as zero, so elapsed time never decreases.
- A step longer than ``suspend_after_s`` is not a step the learner could have used (the
  computer slept, or the process was stopped): it is not charged, and is reported by
  ``take_suspended`` so the engine can log it as an incident.
- Time while the app was not running is never seen: a new clock starts from the last
  checkpointed elapsed time.
"""

from __future__ import annotations

from collections.abc import Callable

SUSPEND_AFTER_S = 30.0


class ExamClock:
    """Elapsed seconds of one attempt, from an injected monotonic clock."""

    def __init__(
        self,
        *,
        monotonic: Callable[[], float],
        elapsed_s: float = 0.0,
        suspend_after_s: float = SUSPEND_AFTER_S,
    ) -> None:
        self._monotonic = monotonic
        self._elapsed = max(0.0, float(elapsed_s))
        self._suspend_after = suspend_after_s
        self._mark: float | None = None  # monotonic reading at the last fold, while running
        self._suspended = 0.0

    @property
    def running(self) -> bool:
        return self._mark is not None

    def start(self) -> None:
        """Start accruing from now (no-op when running)."""
        if self._mark is None:
            self._mark = self._monotonic()

    def stop(self) -> float:
        """Fold the time so far and stop accruing; returns elapsed seconds."""
        elapsed = self.checkpoint()
        self._mark = None
        return elapsed

    def checkpoint(self) -> float:
        """Fold the time since the last read into elapsed; returns elapsed seconds."""
        if self._mark is not None:
            now = self._monotonic()
            step = now - self._mark
            if step > self._suspend_after:
                self._suspended += step
            elif step > 0:
                self._elapsed += step
            self._mark = now
        return self._elapsed

    def clamp(self, limit_s: float) -> None:
        """Never count past the limit: time after it is not the learner's to lose later."""
        self._elapsed = min(self._elapsed, max(0.0, limit_s))

    def take_suspended(self) -> float:
        """Seconds not charged as suspends since the last call, then reset to zero."""
        suspended, self._suspended = self._suspended, 0.0
        return suspended
