"""What a station needs at start-up beyond an open store, and doing it.

``setup_needs`` is cheap (a few raw queries) and runs on every start; ``run_setup``
does the heavy part (key generation, demo seeding, bundled imports) only when needed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from mcdesk.content.bundled import BundledPack, outdated, read_bundled_index
from mcdesk.paths import Paths, bundled_catalog_dir, bundled_publishers_dir
from mcdesk.settings import Settings


@dataclass(frozen=True, slots=True)
class SetupNeeds:
    station: bool
    demo: bool
    bundled: tuple[BundledPack, ...]

    @property
    def any(self) -> bool:
        return self.station or self.demo or bool(self.bundled)


@dataclass(slots=True)
class SetupReport:
    seeded_demo: bool = False
    imported: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def setup_needs(connection: sqlite3.Connection, *, settings: Settings) -> SetupNeeds:
    has_station = connection.execute("SELECT 1 FROM station").fetchone() is not None
    has_school = connection.execute("SELECT 1 FROM school").fetchone() is not None
    bundled: list[BundledPack] = []
    if settings.import_bundled_catalog:
        bundled = outdated(connection, read_bundled_index(bundled_catalog_dir()))
    return SetupNeeds(
        station=not has_station,
        demo=settings.seed_demo_class and not has_school,
        bundled=tuple(bundled),
    )


def run_setup(paths: Paths, settings: Settings, needs: SetupNeeds, *, now: datetime) -> SetupReport:
    """Create the station identity, seed the demo class, import bundled packs."""
    from mcdesk.content.errors import PackRefused
    from mcdesk.content.install import import_pack
    from mcdesk.demo import seed_demo
    from mcdesk.keys import load_trusted_publishers
    from mcdesk.station import ensure_station
    from mcdesk.store.engine import make_engine

    report = SetupReport()
    engine = make_engine(paths.database)
    try:
        if needs.station:
            ensure_station(
                engine=engine, key_path=paths.station_key, name=settings.station_name, now=now
            )
        if needs.demo:
            report.seeded_demo = seed_demo(engine)
        if needs.bundled:
            trusted = load_trusted_publishers(
                bundled_publishers_dir(), paths.trusted_publishers_dir
            )
            for pack in needs.bundled:
                try:
                    result = import_pack(pack.file, engine=engine, trusted=trusted, now=now)
                except PackRefused as exc:
                    report.refused.append(f"{pack.file.name}: {exc}")
                else:
                    report.imported.append(f"{result.pack_id} {result.version}")
    finally:
        engine.dispose()
    return report
