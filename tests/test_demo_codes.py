"""A standalone demo station's code slots: a few first, the rest a batch at a time."""

from __future__ import annotations

from mcdesk.demo import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
from mcdesk.exam.issuer import open_issuer
from mcdesk.exam.unlock import read_slot, slots_left
from mcdesk.passwords import hash_secret
from mcdesk.paths import Paths
from mcdesk.protocol.slots import open_slot
from mcdesk.settings import Settings
from mcdesk.startup import (
    FIRST_RUN_SLOTS,
    SLOTS_PER_BATCH,
    SetupNeeds,
    demo_codes_short,
    demo_slot_batches,
    run_setup,
    set_up_demo_exam_keys,
    setup_needs,
)
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from tests.conftest import NOW

SETTINGS = Settings(import_bundled_catalog=False)


def _first_run_without_codes(home: Paths) -> None:
    open_store(home, now=NOW)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=SETTINGS)
    run_setup(home, SETTINGS, SetupNeeds(needs.station, needs.demo, ()), now=NOW)


def _exam_key_opened_by_code(home: Paths, counter: int) -> bytes | None:
    with opened(home.database, read_only=True) as connection:
        issuer = open_issuer(connection, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
        assert issuer is not None
        return open_slot(read_slot(connection, counter), code=issuer.code(counter), counter=counter)


def _short(home: Paths) -> bool:
    with opened(home.database, read_only=True) as connection:
        return demo_codes_short(connection, settings=SETTINGS)


def test_a_first_batch_then_batches_until_forty_all_opened_by_the_teachers_codes(
    home: Paths,
) -> None:
    _first_run_without_codes(home)
    summary = set_up_demo_exam_keys(home, slots=SLOTS_PER_BATCH, now=NOW)
    assert summary.startswith(f"exam codes: {SLOTS_PER_BATCH} slots")
    with opened(home.database) as connection:
        assert not setup_needs(connection, settings=SETTINGS).exam_keys
    assert _short(home)

    steps = list(demo_slot_batches(home, now=NOW))
    assert steps == list(range(2 * SLOTS_PER_BATCH, FIRST_RUN_SLOTS + 1, SLOTS_PER_BATCH))
    with opened(home.database, read_only=True) as connection:
        assert slots_left(connection) == FIRST_RUN_SLOTS
    first = _exam_key_opened_by_code(home, 1)
    assert first is not None
    assert _exam_key_opened_by_code(home, FIRST_RUN_SLOTS) == first
    assert not _short(home)
    assert list(demo_slot_batches(home, now=NOW)) == []  # full: nothing opened or sealed


def test_a_changed_demo_password_stops_the_top_up_without_harm(home: Paths) -> None:
    _first_run_without_codes(home)
    set_up_demo_exam_keys(home, slots=SLOTS_PER_BATCH, now=NOW)
    with opened(home.database) as connection:
        connection.execute(
            "UPDATE teacher SET password_hash = ? WHERE id = ?",
            (hash_secret("a new password"), DEMO_TEACHER_ID),
        )
        connection.execute("DELETE FROM issuer")  # resealed under the new one elsewhere
    assert list(demo_slot_batches(home, now=NOW)) == []
    with opened(home.database, read_only=True) as connection:
        assert slots_left(connection) == SLOTS_PER_BATCH


def test_a_station_with_a_server_never_tops_up_demo_codes(home: Paths) -> None:
    _first_run_without_codes(home)
    set_up_demo_exam_keys(home, slots=SLOTS_PER_BATCH, now=NOW)
    with opened(home.database, read_only=True) as connection:
        served = Settings(import_bundled_catalog=False, server_url="https://example.org")
        assert not demo_codes_short(connection, settings=served)
