"""What a station needs at start-up beyond an open store, and doing it.

``setup_needs`` is cheap (a few raw queries) and runs on every start; ``run_setup``
does the heavy part (key generation, demo seeding, bundled imports, exam code slots)
only when needed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from mcdesk.content.bundled import BundledPack, outdated, read_bundled_index
from mcdesk.exam.unlock import LOW_SLOTS
from mcdesk.paths import Paths, bundled_catalog_dir, bundled_pack_keys_dir, bundled_publishers_dir
from mcdesk.protocol.slots import DEFAULT_PARAMS, ScryptParams
from mcdesk.settings import Settings
from mcdesk.sync.status import has_joined

# A standalone demo station keeps its exam key in this many code slots. Each costs one
# scrypt run: 40 × 0.15 s ≈ 6 s here at DEFAULT_PARAMS (bench/code_check.py), more than
# the whole 5 s budget of a first run, so the app seals them SLOTS_PER_BATCH at a time
# after the sign-in screen is painted (demo_slot_batches); `run_setup` (the command line)
# seals all of them at once. Tests swap in FAST_TEST_PARAMS (tests/conftest.py).
FIRST_RUN_SLOTS = 40
SLOTS_PER_BATCH = 4  # ~0.6 s each: closing the app waits for one batch at most
# Fewer unused than this and the app tops a demo station up again: the station's own
# "refill them soon" threshold.
TOP_UP_BELOW = LOW_SLOTS
FIRST_RUN_SCRYPT: ScryptParams = DEFAULT_PARAMS
WAITING_FOR_A_CODE = "pack key waiting for the next teacher code"


@dataclass(frozen=True, slots=True)
class SetupNeeds:
    station: bool
    demo: bool
    bundled: tuple[BundledPack, ...]
    # A standalone demo station's exam key, teacher code issuer and code slots.
    exam_keys: bool = False

    @property
    def any(self) -> bool:
        return self.station or self.demo or bool(self.bundled) or self.exam_keys


@dataclass(slots=True)
class SetupReport:
    seeded_demo: bool = False
    imported: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    exam_keys: str = ""
    # "pack-id: pack key waiting for the next teacher code"
    waiting_keys: list[str] = field(default_factory=list)


def setup_needs(connection: sqlite3.Connection, *, settings: Settings) -> SetupNeeds:
    has_station = connection.execute("SELECT 1 FROM station").fetchone() is not None
    has_school = connection.execute("SELECT 1 FROM school").fetchone() is not None
    bundled: list[BundledPack] = []
    if settings.import_bundled_catalog:
        bundled = outdated(connection, read_bundled_index(bundled_catalog_dir()))
    # A station that joined a school server never gets the demo class back (the server's
    # roster replaced it, even if that roster is still empty).
    demo = settings.seed_demo_class and not has_school and not has_joined(connection)
    return SetupNeeds(
        station=not has_station,
        demo=demo,
        bundled=tuple(bundled),
        exam_keys=_needs_demo_exam_keys(connection, settings=settings, demo=demo),
    )


def _needs_demo_exam_keys(
    connection: sqlite3.Connection, *, settings: Settings, demo: bool
) -> bool:
    # With a server, the server is the code issuer and sync brings the slots.
    if not settings.seed_demo_class or settings.server_url is not None:
        return False
    if connection.execute("SELECT 1 FROM exam_key_slot").fetchone() is not None:
        return False  # slots from a server (or an earlier run) are this station's codes
    if connection.execute("SELECT 1 FROM issuer").fetchone() is not None:
        return False
    # Also true when a first run stopped after seeding the demo but before the slots.
    from mcdesk.demo_values import DEMO_TEACHER_ID

    teacher = connection.execute("SELECT 1 FROM teacher WHERE id = ?", (DEMO_TEACHER_ID,))
    return demo or teacher.fetchone() is not None


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
    if needs.exam_keys:
        report.exam_keys = set_up_demo_exam_keys(paths, slots=FIRST_RUN_SLOTS, now=now)
    elif needs.bundled:
        report.waiting_keys = _waiting_pack_keys(paths)
    return report


def set_up_demo_exam_keys(paths: Paths, *, slots: int, now: datetime) -> str:
    """Seal a new exam key into ``slots`` code slots the demo teacher's codes open; a summary."""
    from mcdesk.demo import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
    from mcdesk.exam.keyring import KeyringError, load_pack_keys
    from mcdesk.exam.unlock import setup_exam_keys
    from mcdesk.passwords import verify_secret
    from mcdesk.store.connection import opened

    with opened(paths.database) as connection:
        station = connection.execute("SELECT id FROM station").fetchone()
        teacher = connection.execute(
            "SELECT password_hash FROM teacher WHERE id = ?", (DEMO_TEACHER_ID,)
        ).fetchone()
        if station is None or teacher is None:
            return "exam codes not set up: no station or demo teacher"
        # The issuer is sealed under the teacher's password; a changed one is not known here.
        if not verify_secret(DEMO_TEACHER_PASSWORD, teacher[0]):
            return "exam codes not set up: the demo teacher's password was changed"
        note = ""
        try:
            pack_keys = load_pack_keys(bundled_pack_keys_dir())
        except KeyringError as exc:
            pack_keys, note = [], f" ({exc})"
        done = setup_exam_keys(
            connection,
            teacher_id=DEMO_TEACHER_ID,
            station_id=str(station[0]),
            password=DEMO_TEACHER_PASSWORD,
            pack_keys=pack_keys,
            slots=slots,
            params=FIRST_RUN_SCRYPT,
            now=now,
        )
    return f"exam codes: {done.slots} slots, {len(done.wrapped)} pack keys wrapped{note}"


def demo_codes_short(connection: sqlite3.Connection, *, settings: Settings) -> bool:
    """A standalone demo station whose own code slots run low: the app tops them up."""
    from mcdesk.demo_values import DEMO_TEACHER_ID
    from mcdesk.exam.unlock import slots_left

    if not settings.seed_demo_class or settings.server_url is not None:
        return False
    if has_joined(connection):
        return False  # the server issues this station's codes
    issuer = connection.execute("SELECT 1 FROM issuer WHERE teacher_id = ?", (DEMO_TEACHER_ID,))
    return issuer.fetchone() is not None and slots_left(connection) < TOP_UP_BELOW


def demo_slot_batches(
    paths: Paths, *, batch: int = SLOTS_PER_BATCH, now: datetime
) -> Iterator[int]:
    """Seal a demo station's code slots ``batch`` at a time until FIRST_RUN_SLOTS are unused.

    Each step seals one batch in a transaction of its own and yields the unused count, so
    whoever drives it can stop between batches. The first step opens the exam key with
    the demo teacher's issuer (two scrypt runs); it stays in this generator's frame only.
    """
    from mcdesk.demo_values import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
    from mcdesk.exam.issuer import open_issuer
    from mcdesk.exam.unlock import next_counter, read_slot, refill_slots, slots_left
    from mcdesk.protocol.slots import open_slot
    from mcdesk.store.connection import opened

    with opened(paths.database, read_only=True) as connection:
        if slots_left(connection) >= FIRST_RUN_SLOTS:
            return
        issuer = open_issuer(connection, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
        counter = next_counter(connection)
        # Not logged as a code use (exam_key_from_issuer would): this is the app finishing
        # its own demo set-up with the demo password everyone is shown, not a person.
        exam_key = (
            None
            if issuer is None or counter is None
            else open_slot(
                read_slot(connection, counter), code=issuer.code(counter), counter=counter
            )
        )
    if issuer is None or exam_key is None:
        return  # the password was changed, or no slot is left to open: a teacher refills
    while True:
        with opened(paths.database) as connection:
            unused = slots_left(connection)
            if unused >= FIRST_RUN_SLOTS:
                return
            up_to = min(unused + batch, FIRST_RUN_SLOTS)
            refill_slots(
                connection, issuer=issuer, exam_key=exam_key, up_to=up_to, params=FIRST_RUN_SCRYPT
            )
        yield up_to


def _waiting_pack_keys(paths: Paths) -> list[str]:
    """Installed packs whose (bundled) key needs the exam key, i.e. the next teacher code."""
    from mcdesk.exam.keyring import KeyringError, load_pack_keys, pending_pack_keys
    from mcdesk.store.connection import opened

    try:
        available = load_pack_keys(bundled_pack_keys_dir())
    except KeyringError as exc:
        return [str(exc)]
    with opened(paths.database, read_only=True) as connection:
        if connection.execute("SELECT 1 FROM exam_key_slot").fetchone() is None:
            return []  # no exam key on this station yet: nothing can be waiting for it
        installed = {str(row[0]) for row in connection.execute("SELECT id FROM pack")}
        pending = pending_pack_keys(connection, available)
    return [f"{key.pack_id}: {WAITING_FOR_A_CODE}" for key in pending if key.pack_id in installed]
