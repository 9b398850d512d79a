"""One store engine made on first use and disposed on close, safe across threads.

The desks hold one so that SQLAlchemy is imported only when the first query runs (on
the worker thread, never on the GUI thread's way to the first paint).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine


class LazyEngine:
    """The engine of the store at ``database``, made by the first ``get``."""

    def __init__(self, database: Path) -> None:
        self._database = database
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                from mcdesk.store.engine import make_engine

                self._engine = make_engine(self._database)
            return self._engine

    def dispose(self) -> None:
        """Close its connections; a later ``get`` makes a new engine."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
