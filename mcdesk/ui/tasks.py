"""The plain-Python work the window hands to background threads.

Every function here runs on a pool thread and opens its own sqlite connection. Core
modules are imported inside the functions so that importing this module (on the GUI
thread, before the first paint) costs nothing: ``mcdesk.demo`` alone pulls in SQLAlchemy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry, SearchHit
    from mcdesk.paths import Paths
    from mcdesk.settings import Settings
    from mcdesk.startup import SetupNeeds
    from mcdesk.study.home import RosterEntry

SEARCH_LIMIT = 30
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OpenedStation:
    """A store ready for use, the station's settings, and what was wrong with the old store."""

    settings: Settings
    damaged_message: str | None
    first_run: bool = False  # no store was there: this start sets the station up


@dataclass(frozen=True, slots=True)
class PreparedCatalog:
    """The catalog to show, and what first-run set-up did."""

    entries: list[CatalogEntry]
    imported: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    login_hints: str | None = None
    exam_keys_pending: bool = False  # sealing the demo's exam key waits until after the paint
    codes_short: bool = False  # a demo station's own code slots run low: top them up later
    roster: list[RosterEntry] = field(default_factory=list)  # the sign-in screen's names
    # Set-up left for after the sign-in paint (station key, bundled packs): finish_setup.
    later: SetupNeeds | None = None


def open_station(paths: Paths) -> OpenedStation:
    """Read the settings and open (check, move aside if damaged, upgrade) the store."""
    from mcdesk.settings import load_settings
    from mcdesk.store.bootstrap import open_store
    from mcdesk.store.connection import opened
    from mcdesk.sync.status import joined_station_name

    settings = load_settings(paths.settings_file)
    first_run = not paths.database.exists()
    store = open_store(paths, now=datetime.now(UTC))
    damaged = None if store.damaged is None else store.damaged.message()
    with opened(paths.database, read_only=True) as connection:
        name = joined_station_name(connection)
    if name:  # a station in a school's server goes by the name the server gave it
        settings = replace(settings, station_name=name)
    return OpenedStation(settings=settings, damaged_message=damaged, first_run=first_run)


def prepare_catalog(
    paths: Paths, settings: Settings, *, with_login_hints: bool = True, defer_setup: bool = False
) -> PreparedCatalog:
    """Run first-run set-up if anything is missing, then read the catalog.

    With ``defer_setup`` only what the sign-in screen shows is done here: the demo
    class, in raw sqlite3. The station key and the bundled packs (SQLAlchemy, jsonschema
    and cryptography, seconds on a first run) are left in ``later`` for ``finish_setup``.
    """
    from mcdesk.startup import demo_codes_short, run_setup, setup_needs
    from mcdesk.store.connection import opened

    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
        short = not needs.exam_keys and demo_codes_short(connection, settings=settings)
        if defer_setup and needs.demo:
            from mcdesk.demo import seed_demo_class

            seed_demo_class(connection)  # committed with this connection
            needs = replace(needs, demo=False)
    # The code slots cost seconds of scrypt: the catalog and sign-in come first.
    pending = needs.exam_keys
    needs = replace(needs, exam_keys=False)
    imported: list[str] = []
    refused: list[str] = []
    later = None
    if defer_setup and needs.any:
        later = needs
    elif needs.any:
        report = run_setup(paths, settings, needs, now=datetime.now(UTC))
        imported, refused = report.imported, report.refused
    entries, names = _catalog_and_roster(paths)
    hints = None
    if with_login_hints and settings.seed_demo_class:
        from mcdesk.demo_values import login_hints

        hints = login_hints()
    return PreparedCatalog(
        entries=entries,
        imported=imported,
        refused=refused,
        login_hints=hints,
        exam_keys_pending=pending,
        codes_short=short,
        roster=names,
        later=later,
    )


def finish_setup(paths: Paths, settings: Settings, needs: SetupNeeds) -> PreparedCatalog:
    """The set-up ``prepare_catalog`` left for later, then the catalog it fills."""
    from mcdesk.startup import run_setup

    report = run_setup(paths, settings, needs, now=datetime.now(UTC))
    entries, names = _catalog_and_roster(paths)
    return PreparedCatalog(
        entries=entries, imported=report.imported, refused=report.refused, roster=names
    )


def make_station_identity(paths: Paths, settings: Settings) -> None:
    """A first run's station key and row, ahead of the rest of ``finish_setup``."""
    from mcdesk.startup import SetupNeeds, run_setup

    needs = SetupNeeds(station=True, demo=False, bundled=())
    run_setup(paths, settings, needs, now=datetime.now(UTC))


def _catalog_and_roster(paths: Paths) -> tuple[list[CatalogEntry], list[RosterEntry]]:
    from mcdesk.content.catalog import list_catalog
    from mcdesk.store.connection import opened
    from mcdesk.study.home import roster

    with opened(paths.database, read_only=True) as connection:
        # raw sqlite3: sign-in needs no ORM to be painted
        return list_catalog(connection), roster(connection)


class SlotWriter:
    """One writer at a time for this station's code slots: the demo top-up, a teacher's refill.

    Both read the highest counter, seal new slots for a second or more of scrypt, then
    insert them after it. Two at once seal the same counters (one insert then fails on
    the primary key after its seconds of scrypt), or one waits on the other's write
    lock past the busy timeout. A pool task runs its slot work through ``run``; a
    teacher's refill waits for the demo batch under way (~0.6 s) and the next batch
    finds the slots full and stops.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def run(self, task: Callable[[], T]) -> T:
        """Call ``task`` (on a pool thread) once no other slot work is running."""
        with self._lock:
            return task()


class CodeSealing:
    """A standalone demo station's code slots, sealed one batch per pool task.

    ``next_batch`` runs on the pool, one call at a time: the first call of a first run
    makes the exam key and its first slots; later calls top up (see
    ``startup.demo_slot_batches``, whose frame holds the exam key between calls).
    """

    def __init__(
        self, paths: Paths, settings: Settings, *, first_run: bool, writer: SlotWriter
    ) -> None:
        self._paths, self._settings, self._first_run = paths, settings, first_run
        self._writer = writer
        self._batches: Iterator[int] | None = None

    def next_batch(self) -> str | None:
        """Seal one batch; a line saying how far it got, or None when there is no more."""
        return self._writer.run(self._seal_one)

    def _seal_one(self) -> str | None:
        from mcdesk.startup import SLOTS_PER_BATCH, demo_slot_batches, set_up_demo_exam_keys
        from mcdesk.startup import setup_needs as needs_of
        from mcdesk.store.connection import opened

        now = datetime.now(UTC)
        if self._first_run:
            self._first_run = False
            with opened(self._paths.database) as connection:
                if needs_of(connection, settings=self._settings).exam_keys:
                    return set_up_demo_exam_keys(self._paths, slots=SLOTS_PER_BATCH, now=now)
        if self._batches is None:
            self._batches = demo_slot_batches(self._paths, now=now)
        unused = next(self._batches, None)
        return None if unused is None else f"exam codes: {unused} ready"


def load_study_core() -> None:
    """Import the core the study and exam screens stand on, here rather than on the GUI thread.

    SQLAlchemy, SQLModel, pydantic and cryptography come with it: 1–2 s of a warm start
    that froze the window between the catalog and the sign-in screen. Afterwards the GUI
    thread's imports of the screens find these modules loaded.
    """
    import mcdesk.exam.console
    import mcdesk.exam.desk
    import mcdesk.keys
    import mcdesk.study.desk
    import mcdesk.study.selfcheck  # noqa: F401


def search(database: Path, text: str) -> list[SearchHit]:
    """Catalog search on a connection of its own."""
    from mcdesk.content.catalog import search_catalog
    from mcdesk.store.connection import opened

    with opened(database, read_only=True) as connection:
        return search_catalog(connection, text, limit=SEARCH_LIMIT)
