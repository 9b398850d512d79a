"""The station side of unlock codes, on a real SQLite store with real scrypt and AES-GCM."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from mcdesk.exam import unlock
from mcdesk.exam.issuer import IssuerError, open_issuer
from mcdesk.exam.unlock import LOW_SLOTS, UnlockDesk, UnlockError, refill_slots
from mcdesk.paths import Paths
from mcdesk.protocol.slots import FAST_TEST_PARAMS, Slot, open_slot
from mcdesk.store.connection import opened
from tests.conftest import NOW
from tests.exam.conftest import FakeMonotonic
from tests.exam.stations import (
    PASSWORD,
    STATION_ID,
    TEACHER_ID,
    new_station,
    set_up_keys,
    teacher_issuer,
)


@pytest.fixture
def database(home: Paths) -> Path:
    """A station with six code slots (#1-#6) and its teacher's issuer."""
    database = new_station(home)
    set_up_keys(database, slots=6)
    return database


def entries(database: Path) -> list[tuple[int, str, int, str | None, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT counter, action, ok, attempt_id, detail FROM code_entry ORDER BY id"
        ).fetchall()


def test_the_station_asks_for_the_lowest_unused_code(database: Path) -> None:
    desk = UnlockDesk(database)
    assert desk.next_counter() == 1
    assert desk.slots_left() == 6


def test_a_right_code_releases_the_exam_key_once(database: Path) -> None:
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)
    result = desk.try_code(issuer.code(1), action="start", attempt_id="attempt-1", now=NOW)
    assert result.ok
    assert result.counter == 1
    assert result.exam_key is not None
    assert len(result.exam_key) == 32
    assert (
        result.message
        == "Code #1 accepted. Only 5 codes are left on this station; refill them soon."
    )
    assert result.exam_key.hex() not in repr(result)
    assert repr(result.exam_key) not in repr(result)

    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT salt, nonce, sealed_key, used_at FROM exam_key_slot WHERE counter = 1"
        ).fetchone()
    assert row[:3] == (b"", b"", b"")  # the sealed key material is gone
    assert row[3] == NOW.isoformat()
    assert desk.next_counter() == 2
    assert desk.slots_left() == 5

    again = desk.try_code(issuer.code(1), action="start", now=NOW)
    assert not again.ok
    assert again.exam_key is None
    assert again.message.startswith("That is not code #2 for this station.")

    second = desk.try_code(issuer.code(2), action="resume", now=NOW)
    assert second.ok
    assert second.exam_key == result.exam_key  # every slot seals the same station key


def test_a_code_for_another_station_is_refused(database: Path) -> None:
    elsewhere = replace(teacher_issuer(database), station_id="station-b")
    result = UnlockDesk(database).try_code(elsewhere.code(1), action="start", now=NOW)
    assert not result.ok
    assert result.exam_key is None
    assert UnlockDesk(database).next_counter() == 1


def test_a_code_for_a_later_counter_is_refused(database: Path) -> None:
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)
    assert not desk.try_code(issuer.code(2), action="start", now=NOW).ok
    assert not desk.try_code(issuer.code(6), action="start", now=NOW).ok
    assert desk.try_code(issuer.code(1), action="start", now=NOW).ok


def test_codes_typed_with_spaces_or_dashes_work(database: Path) -> None:
    code = teacher_issuer(database).code(1)
    typed = f" {code[:2]}-{code[2:4]} {code[4:]} "
    assert UnlockDesk(database).try_code(typed, action="start", now=NOW).ok


def test_input_that_is_not_eight_digits_is_refused_without_counting(database: Path) -> None:
    desk = UnlockDesk(database)
    for typed in ["", "1234", "123456789", "abcdefgh", "1234 567"] * 3:
        result = desk.try_code(typed, action="start", now=NOW)
        assert not result.ok
        assert result.message.startswith("An unlock code is 8 digits")
        assert result.wait_seconds == 0
    wrong = desk.try_code("00000000", action="start", now=NOW)
    assert wrong.message.endswith("4 more tries before a wait.")


def test_wrong_codes_are_throttled_and_the_wait_survives_a_restart(database: Path) -> None:
    issuer = teacher_issuer(database)
    wrong = "99999999" if issuer.code(1) != "99999999" else "99999998"
    # Waits run on the monotonic clock (issue 10 item 9): time passes on it, with the wall.
    mono = FakeMonotonic()
    desk = UnlockDesk(database, monotonic=mono)
    for left in (4, 3, 2, 1):
        result = desk.try_code(wrong, action="start", now=NOW)
        assert result.wait_seconds == 0
        assert result.message.endswith(
            f"{left} more {'try' if left == 1 else 'tries'} before a wait."
        )
    fifth = desk.try_code(wrong, action="start", now=NOW)
    assert fifth.wait_seconds == 30
    assert fifth.message.endswith("Wait 30 s before the next try.")

    # Even the right code waits, and a new desk on the same file (a restart) still waits.
    restarted = UnlockDesk(database, monotonic=mono)
    mono.advance(10)
    waiting = restarted.try_code(issuer.code(1), action="start", now=NOW + timedelta(seconds=10))
    assert (waiting.ok, waiting.wait_seconds) == (False, 20)
    assert "Too many wrong codes" in waiting.message
    assert restarted.next_counter() == 1  # nothing was tried, nothing used

    mono.advance(21)
    sixth = restarted.try_code(wrong, action="start", now=NOW + timedelta(seconds=31))
    assert sixth.wait_seconds == 60  # doubled
    later = NOW + timedelta(seconds=92)
    mono.advance(61)
    assert restarted.try_code(issuer.code(1), action="start", now=later).ok
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM code_throttle").fetchone()[0] == 0
    # A right code starts the count again.
    assert restarted.try_code(wrong, action="start", now=later).message.endswith(
        "4 more tries before a wait."
    )


def test_moving_the_clock_forward_does_not_end_the_wait(database: Path) -> None:
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)  # the real monotonic clock
    for _ in range(5):
        desk.try_code("00000000", action="start", now=NOW)
    # The learner sets the wall clock a day on: the wait still stands, nothing is tried.
    moved = desk.try_code(issuer.code(1), action="start", now=NOW + timedelta(days=1))
    assert (moved.ok, moved.wait_seconds) == (False, 30)
    assert "Too many wrong codes" in moved.message
    assert desk.next_counter() == 1


def test_ten_wrong_codes_at_once_reach_scrypt_only_for_the_free_tries(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[int] = []
    counting = threading.Lock()

    def counted_open_slot(slot: Slot, *, code: str, counter: int) -> bytes | None:
        with counting:
            checked.append(counter)
        time.sleep(0.05)  # scrypt is ~150 ms at real settings; keep the window that wide
        return open_slot(slot, code=code, counter=counter)

    monkeypatch.setattr(unlock, "open_slot", counted_open_slot)
    start = threading.Barrier(10)

    def one_try() -> str:
        start.wait()
        return UnlockDesk(database).try_code("00000000", action="start", now=NOW).message

    with ThreadPoolExecutor(max_workers=10) as pool:
        messages = list(pool.map(lambda _: one_try(), range(10)))
    assert len(checked) == 5
    assert sum("Too many wrong codes" in m for m in messages) == 5
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT failures FROM code_throttle").fetchone() == (5,)
    details = [detail for *_, detail in entries(database)]
    assert sorted(details) == sorted(
        [f"wrong ({n} in a row)" for n in range(1, 6)] + ["waiting"] * 5
    )


def test_a_teacher_can_clear_the_wait(database: Path) -> None:
    desk = UnlockDesk(database)
    for _ in range(5):
        desk.try_code("00000000", action="start", now=NOW)
    desk.clear_throttle()
    assert desk.try_code(teacher_issuer(database).code(1), action="start", now=NOW).ok


def test_every_entry_is_logged_with_its_action_and_never_the_code(database: Path) -> None:
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)
    desk.try_code("12", action="pause", attempt_id="a-1", now=NOW)
    desk.try_code(issuer.code(2), action="extend:+10", attempt_id="a-1", now=NOW)
    desk.try_code(issuer.code(1), action="extend:+10", attempt_id="a-1", now=NOW)
    desk.try_code(issuer.code(2), action="dismiss-overlay", now=NOW)
    desk.try_code(issuer.code(3), action="leave", attempt_id="a-1", now=NOW)
    assert entries(database) == [
        (1, "pause", 0, "a-1", "not 8 digits"),
        (1, "extend:+10", 0, "a-1", "wrong (1 in a row)"),
        (1, "extend:+10", 1, "a-1", ""),
        (2, "dismiss-overlay", 1, None, ""),
        (3, "leave", 1, "a-1", ""),
    ]
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    assert not any(issuer.code(n) in dump for n in (1, 2, 3))


@pytest.mark.parametrize("action", ["", "extend", "extend:+0", "extend:10", "quit", "START"])
def test_unknown_actions_are_a_programming_error(database: Path, action: str) -> None:
    with pytest.raises(ValueError, match="unknown unlock action"):
        UnlockDesk(database).try_code("12345678", action=action, now=NOW)
    assert entries(database) == []


def test_a_station_out_of_codes_says_so(home: Paths) -> None:
    database = new_station(home)
    set_up_keys(database, slots=2)
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)
    first = desk.try_code(issuer.code(1), action="start", now=NOW)
    assert first.message.endswith("Only 1 code is left on this station; refill them soon.")
    assert desk.try_code(issuer.code(2), action="start", now=NOW).ok
    assert desk.next_counter() is None
    empty = desk.try_code(issuer.code(3), action="start", now=NOW)
    assert not empty.ok
    assert "no unlock codes left" in empty.message
    assert entries(database)[-1] == (0, "start", 0, None, "no slots left")


def test_a_code_used_by_another_window_meanwhile_does_not_open_twice(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = teacher_issuer(database)

    def other_window_wins(slot: Slot, *, code: str, counter: int) -> bytes | None:
        key = open_slot(slot, code=code, counter=counter)
        with opened(database) as connection:
            connection.execute("UPDATE exam_key_slot SET used_at = 'x' WHERE counter = 1")
        return key

    monkeypatch.setattr(unlock, "open_slot", other_window_wins)
    result = UnlockDesk(database).try_code(issuer.code(1), action="start", now=NOW)
    assert not result.ok
    assert result.exam_key is None
    assert result.message == "Code #1 was just used. Ask for code #2."


def test_refilling_adds_slots_after_the_highest_counter(database: Path) -> None:
    issuer = teacher_issuer(database)
    desk = UnlockDesk(database)
    exam_key = desk.try_code(issuer.code(1), action="start", now=NOW).exam_key
    assert exam_key is not None
    with opened(database) as connection:
        added = refill_slots(
            connection, issuer=issuer, exam_key=exam_key, up_to=8, params=FAST_TEST_PARAMS
        )
        assert added == 3
        assert (
            refill_slots(
                connection, issuer=issuer, exam_key=exam_key, up_to=8, params=FAST_TEST_PARAMS
            )
            == 0
        )
        counters = [row[0] for row in connection.execute("SELECT counter FROM exam_key_slot")]
    assert counters == list(range(1, 10))
    assert desk.slots_left() == 8
    for counter in range(2, 10):
        assert desk.try_code(issuer.code(counter), action="resume", now=NOW).exam_key == exam_key


def test_refilling_with_a_wrong_key_or_issuer_is_refused(database: Path) -> None:
    issuer = teacher_issuer(database)
    exam_key = UnlockDesk(database).try_code(issuer.code(1), action="start", now=NOW).exam_key
    assert exam_key is not None
    with opened(database) as connection:
        with pytest.raises(UnlockError, match="does not belong"):
            refill_slots(
                connection, issuer=issuer, exam_key=os.urandom(32), params=FAST_TEST_PARAMS
            )
        stranger = replace(issuer, secret=os.urandom(32))
        with pytest.raises(UnlockError, match="does not belong"):
            refill_slots(connection, issuer=stranger, exam_key=exam_key, params=FAST_TEST_PARAMS)
    assert UnlockDesk(database).slots_left() == 5


def test_setting_up_twice_is_refused(database: Path) -> None:
    with pytest.raises(UnlockError, match="set up already"):
        set_up_keys(database)


def test_only_the_teachers_password_opens_the_issuer(database: Path) -> None:
    with opened(database) as connection:
        assert open_issuer(connection, teacher_id=TEACHER_ID, password="wrong") is None
        assert open_issuer(connection, teacher_id=TEACHER_ID, password=PASSWORD.upper()) is None
        assert open_issuer(connection, teacher_id="someone-else", password=PASSWORD) is None
        other = open_issuer(
            connection, teacher_id=TEACHER_ID, password=PASSWORD, station_id="station-b"
        )
        assert other is None
        issuer = open_issuer(
            connection, teacher_id=TEACHER_ID, password=PASSWORD, station_id=STATION_ID
        )
    assert issuer is not None
    assert issuer.secret.hex() not in repr(issuer)
    assert issuer.codes(start=4, count=3) == [(n, issuer.code(n)) for n in (4, 5, 6)]
    with pytest.raises(IssuerError):
        issuer.codes(start=0, count=3)
    with pytest.raises(IssuerError):
        issuer.codes(start=1, count=1001)


def test_the_issuer_is_bound_to_its_row(database: Path) -> None:
    # A sealed secret moved to another teacher's row does not open, even with the password.
    with opened(database) as connection:
        connection.execute(
            "INSERT INTO teacher (id, school_id, username, display_name, password_hash)"
            " VALUES ('t2', 'school-1', 'other', 'Other', 'x')"
        )
        connection.execute("UPDATE issuer SET teacher_id = 't2'")
        assert open_issuer(connection, teacher_id="t2", password=PASSWORD) is None


def test_low_slots_threshold() -> None:
    assert LOW_SLOTS == 20


def test_a_used_slots_sealed_key_is_gone_from_every_file(database: Path) -> None:
    # Else someone who saw a used code could open an old copy of its slot. Another
    # connection stays open throughout, as the app's do, so the WAL is not just deleted.
    with opened(database, read_only=True) as connection:
        old = unlock.read_slot(connection, 1)
    keeper = sqlite3.connect(database)
    try:
        keeper.execute("SELECT count(*) FROM exam_key_slot").fetchone()
        code = teacher_issuer(database).code(1)
        assert UnlockDesk(database).try_code(code, action="start", now=NOW).ok
        files = sorted(p for p in database.parent.iterdir() if p.is_file())
        assert database.with_name(database.name + "-wal") in files
        for path in files:
            data = path.read_bytes()
            assert old.sealed_key not in data, path.name
            assert old.salt not in data, path.name
    finally:
        keeper.close()


def test_the_teacher_alone_can_refill_without_using_up_a_code(database: Path) -> None:
    issuer = teacher_issuer(database)
    with opened(database) as connection:
        exam_key = unlock.exam_key_from_issuer(connection, issuer=issuer, now=NOW)
        assert exam_key is not None
        assert (
            refill_slots(
                connection, issuer=issuer, exam_key=exam_key, up_to=7, params=FAST_TEST_PARAMS
            )
            == 1
        )
        stranger = replace(issuer, secret=os.urandom(32))
        assert unlock.exam_key_from_issuer(connection, issuer=stranger, now=NOW) is None
    desk = UnlockDesk(database)
    assert desk.next_counter() == 1  # nothing was used
    assert desk.try_code(issuer.code(1), action="start", now=NOW).exam_key == exam_key
    assert entries(database)[:2] == [
        (1, "refill", 1, None, "opened by the teacher's issuer"),
        (1, "refill", 0, None, "issuer does not match"),
    ]
