"""Active time on content: counted only while the window is in use and someone is there.

Time counts while the window is active (not minimised, not behind a locked screen) and
there was input within the last 60 s. After a minute without input, counting stops at
the moment of the last input plus that minute. The clock is injected (monotonic
seconds), so tests drive it by hand and wall-clock changes never add time.
"""

from __future__ import annotations

from collections.abc import Callable

IDLE_AFTER = 60.0


class ActiveTimeMeter:
    def __init__(self, *, clock: Callable[[], float], idle_after: float = IDLE_AFTER) -> None:
        self._clock = clock
        self._idle_after = idle_after
        self._active = False
        self._last_input: float | None = None
        self._mark = clock()
        self._pending = 0.0

    def _advance(self, now: float) -> None:
        if self._active and self._last_input is not None:
            end = min(now, self._last_input + self._idle_after)
            if end > self._mark:
                self._pending += end - self._mark
        self._mark = max(self._mark, now)

    def set_active(self, active: bool) -> None:
        """The window became active (counts as input) or inactive/minimised/locked."""
        now = self._clock()
        self._advance(now)
        self._active = active
        if active:
            self._last_input = now

    def note_input(self) -> None:
        """A key press, click, scroll or pointer move in the window."""
        now = self._clock()
        self._advance(now)
        self._last_input = now

    def take_seconds(self) -> int:
        """Whole seconds counted since the last take; the fraction is kept for next time."""
        self._advance(self._clock())
        whole = int(self._pending)
        self._pending -= whole
        return whole
