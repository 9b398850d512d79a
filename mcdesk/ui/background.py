"""Run a plain Python callable on a worker thread and hear back on the GUI thread.

Threading rules: ``task`` runs on a pool thread, so it must not touch widgets and must
open its own sqlite connection (connections are never shared across threads).
``on_success`` / ``on_failure`` run on the GUI thread, and only while ``parent`` still
exists: closing a window silently drops the answers to its unfinished tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")


class _Relay(QObject):
    """Carries one task's outcome to the GUI thread.

    It is a child of the pool, not of ``parent``: the pool outlives its tasks, so a
    worker never emits on an object the GUI thread may be deleting. Whether ``parent``
    still exists is checked on the GUI thread, where it would be deleted.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        pool: QThreadPool,
        parent: QObject,
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        super().__init__(pool)
        self._parent = parent
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        try:
            if shiboken6.isValid(self._parent):
                self._on_success(result)
        finally:
            self.deleteLater()

    @Slot(object)
    def _deliver_failure(self, error: Exception) -> None:
        try:
            if shiboken6.isValid(self._parent):
                self._on_failure(error)
        finally:
            self.deleteLater()


class _Job(QRunnable):
    def __init__(self, task: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self._task = task
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._task()
        except Exception as error:  # handed to on_failure on the GUI thread
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


def worker_queue(threads: int = 1) -> QThreadPool:
    """A pool of ``threads`` owned by the application: never make a pool a window's child.

    Qt deletes a window's children inside the window's event handling. When a Python
    override of ``event()`` made that call (``LockdownWindow.event`` does), the GIL is
    held, and ``~QThreadPool`` waits for ever for a running task that needs it: the UI
    tests hung so. The application outlives every window; whoever owns the work drains
    the pool when it stops (``waitForDone`` lets the GIL go).
    """
    pool = QThreadPool(QCoreApplication.instance())
    pool.setMaxThreadCount(threads)
    return pool


def run_in_background(
    *,
    parent: QObject,
    pool: QThreadPool,
    task: Callable[[], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[Exception], None],
) -> None:
    """Run ``task`` on ``pool``; its result or exception comes back on the GUI thread."""
    relay = _Relay(pool, parent, on_success, on_failure)
    pool.start(_Job(task, relay))
