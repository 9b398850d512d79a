"""A damaged store is salvaged: the station keeps its id, pin and unsent events; the loss is named.

Each test damages the pages of one table in a real SQLite file (found with SQLite's own
``dbstat``), then opens the store as a start-up does.
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.cli import main
from mcdesk.content.catalog import search_catalog
from mcdesk.content.install import import_pack
from mcdesk.exam.engine import ExamEngine
from mcdesk.keys import load_trusted_publishers, public_key_b64
from mcdesk.paths import Paths, bundled_catalog_dir, bundled_publishers_dir, resolve_paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.store.outbox import add_event
from mcdesk.store.salvage import WORDS
from mcdesk.sync.pinning import pin_enrolled_key
from tests.conftest import NOW
from tests.exam.bank import BLUEPRINT, LEARNER, PACK, VERSION, make_bank, right
from tests.exam.conftest import ROSTER, FakeMonotonic, FakeWall
from tests.exam.stations import set_up_keys

STATION_ID = "station-a"
PIN = base64.b64encode(bytes(range(32))).decode()
EVENTS = 400  # several pages of outbox rows
UNSENT_QUERY = (
    "SELECT id FROM outbox WHERE NOT EXISTS (SELECT 1 FROM receipt WHERE event_id = outbox.id)"
)


def _fill(paths: Paths) -> None:
    """A station that has taken an assessment, studied, and synced part of its outbox."""
    open_store(paths, now=NOW)
    key = Ed25519PrivateKey.generate()
    with opened(paths.database) as connection:
        connection.execute(
            "INSERT INTO station (id, name, public_key, created_at) VALUES (?, ?, ?, ?)",
            (STATION_ID, "Lab 7", public_key_b64(key.public_key()), NOW.isoformat()),
        )
        for statement in ROSTER:
            connection.execute(statement)
        connection.executemany(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)",
            [
                ("server_public_key", PIN),
                ("server_url", "https://sync.example"),
                ("cursor:roster", "9"),
            ],
        )
    set_up_keys_for(paths.database)
    engine = make_engine(paths.database)
    try:
        with Session(engine) as session:
            ids = [
                add_event(
                    session, kind="skill_studied", body={"n": n, "pad": "x" * 200}, now=NOW
                ).id
                for n in range(EVENTS)
            ]
            session.commit()
        trusted = load_trusted_publishers(bundled_publishers_dir())
        pack = sorted(bundled_catalog_dir().glob("*.mcpack"))[0]
        import_pack(pack, engine=engine, trusted=trusted, now=NOW)
    finally:
        engine.dispose()
    with opened(paths.database) as connection:
        connection.executemany(
            "INSERT INTO receipt (event_id, body, signature, received_at) VALUES (?, ?, ?, ?)",
            [(event_id, b"{}", b"sig", NOW.isoformat()) for event_id in ids[:50]],
        )
    exam = ExamEngine(
        database=paths.database, station_key=key, monotonic=FakeMonotonic(), wall=FakeWall()
    )
    bank = make_bank(per_skill=3)
    attempt = exam.create_attempt(
        learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=BLUEPRINT, bank=bank
    )
    exam.unlock(attempt, action="start", counter=1)
    exam.start()
    by_id = {item["id"]: item for item in bank}
    for shown in exam.form["items"]:
        exam.answer(item_id=shown["id"], response=right(by_id[shown["id"]]))
    exam.submit()
    exam.close()
    open_store(paths, now=NOW)  # a normal start: the identity copy is written
    with opened(paths.database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the data is in the file


def set_up_keys_for(database: Path) -> None:
    with opened(database) as connection:
        connection.execute(
            "INSERT INTO teacher (id, school_id, username, display_name, password_hash) "
            "VALUES ('teacher-rivera', 's1', 'rivera', 'Ms Rivera', 'x')"
        )
    set_up_keys(database, slots=6)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("salvage-template")
    paths = resolve_paths({"MCDESK_HOME": str(root)})
    _fill(paths)
    return root


@pytest.fixture
def station(template: Path, tmp_path: Path) -> Paths:
    shutil.copytree(template, tmp_path / "home")
    return resolve_paths({"MCDESK_HOME": str(tmp_path / "home")})


def _query(paths: Paths, sql: str) -> list[tuple[object, ...]]:
    with opened(paths.database, read_only=True) as connection:
        return [tuple(row) for row in connection.execute(sql)]


def _pages(database: Path, names: tuple[str, ...]) -> list[int]:
    with sqlite3.connect(database) as connection:
        marks = ", ".join("?" * len(names))
        rows = connection.execute(f"SELECT pageno FROM dbstat WHERE name IN ({marks})", names)
        return sorted(int(pageno) for (pageno,) in rows)


def _damage(database: Path, pages: list[int]) -> None:
    """Overwrite whole pages, as a failing disk or a torn write would."""
    with sqlite3.connect(database) as connection:
        size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    data = bytearray(database.read_bytes())
    for page in pages:
        data[(page - 1) * size : page * size] = b"\xa5" * size
    database.write_bytes(bytes(data))


TABLES = [
    "station",
    "sync_state",
    "outbox",
    "receipt",
    "exam_key_slot",
    "issuer",
    "attempt",
    "attempt_answer",
    "exam_event",
    "exam_result",
    "learner",
    "pack",
    "blob",
]


@pytest.mark.parametrize("table", TABLES)
def test_each_damaged_table_costs_only_its_rows_and_the_station_stays_itself(
    station: Paths, table: str
) -> None:
    unsent = set(_query(station, UNSENT_QUERY))
    assert len(unsent) == EVENTS - 50 + 2  # studied events, and the result and its log
    _damage(station.database, _pages(station.database, (table,)))

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    message = store.damaged.message()
    assert _query(station, "SELECT id, name FROM station") == [(STATION_ID, "Lab 7")]
    assert _query(station, "SELECT value FROM sync_state WHERE key = 'server_public_key'") == [
        (PIN,)
    ]
    assert "this station kept its identity" in message
    if table == "outbox":
        assert _query(station, UNSENT_QUERY) == []
    else:
        # A lost receipt makes its event unsent again: sent twice is safe, lost is not.
        assert unsent <= set(_query(station, UNSENT_QUERY))
    if table in ("station", "sync_state"):
        assert WORDS[table] not in message  # it came back from the copy beside the store
    else:
        assert f"lost: {WORDS[table]}" in message
    assert "the next sync fetches the school's data again" in message
    assert _query(station, "SELECT count(*) FROM sync_state WHERE key LIKE 'cursor:%'") == [(0,)]


def test_a_bad_page_in_the_search_index_is_repaired_in_place(station: Paths) -> None:
    before = {
        table: _query(station, f"SELECT count(*) FROM {table}")
        for table in ("outbox", "attempt_answer", "exam_event", "blob", "exam_key_slot")
    }
    with opened(station.database, read_only=True) as connection:
        hits = search_catalog(connection, "access")
    assert hits
    _damage(station.database, _pages(station.database, ("catalog_search_data",))[-1:])

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    assert store.damaged.moved_to is None  # repaired where it is, not moved aside
    assert not station.damaged_dir.exists()
    assert "rebuilt in place: nothing was lost and this station kept its identity" in (
        store.damaged.message()
    )
    for table, count in before.items():
        assert _query(station, f"SELECT count(*) FROM {table}") == count
    with opened(station.database, read_only=True) as connection:
        assert search_catalog(connection, "access") == hits
        assert [tuple(row) for row in connection.execute("PRAGMA integrity_check")] == [("ok",)]
    # Pulled data was not touched, so nothing has to come again.
    assert _query(station, "SELECT value FROM sync_state WHERE key = 'cursor:roster'") == [("9",)]


def test_a_damaged_sql_index_loses_nothing(station: Paths) -> None:
    unsent = set(_query(station, UNSENT_QUERY))
    with sqlite3.connect(station.database) as connection:
        indexes = [
            str(name)
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"
            )
        ]
    _damage(station.database, _pages(station.database, tuple(indexes)))

    store = open_store(station, now=NOW)

    # REINDEX cannot free pages it cannot read, so the rows are copied into a new store.
    assert store.damaged is not None
    assert "nothing was lost" in store.damaged.message()
    assert set(_query(station, UNSENT_QUERY)) == unsent
    assert _query(station, "SELECT value FROM sync_state WHERE key = 'cursor:roster'") == [("9",)]


def test_one_bad_page_of_a_long_table_costs_that_page_only(station: Paths) -> None:
    pages = _pages(station.database, ("outbox",))
    _damage(station.database, pages[len(pages) // 2 : len(pages) // 2 + 1])

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    kept = _query(station, "SELECT count(*) FROM outbox")[0][0]
    assert isinstance(kept, int)
    assert EVENTS - 40 < kept < EVENTS + 2  # a page holds a dozen or so of these rows
    assert "lost: records waiting to be sent" in store.damaged.message()


def test_a_file_that_cannot_be_read_at_all_keeps_the_identity_from_its_copy(
    station: Paths,
) -> None:
    station.database.write_bytes(b"\x00\xffnot a database\x13" * 500)

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    assert _query(station, "SELECT id FROM station") == [(STATION_ID,)]
    assert _query(station, "SELECT value FROM sync_state WHERE key = 'server_url'") == [
        ("https://sync.example",)
    ]
    message = store.damaged.message()
    assert "this station kept its identity" in message
    assert "records waiting to be sent" in message


def test_the_command_line_says_what_was_recovered_and_lost(
    station: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MCDESK_HOME", str(station.data_dir.parent))
    _damage(station.database, _pages(station.database, ("exam_result",)))

    assert main(["catalog", "search", "access"]) == 0

    out, err = capsys.readouterr()
    assert err.startswith("warning: The local database was damaged: SQLite")
    assert "this station kept its identity; lost: assessment results;" in err
    assert "Access" in out  # the rebuilt search index answers


def test_a_file_damaged_without_a_read_error_is_caught_by_its_hash(station: Paths) -> None:
    with sqlite3.connect(station.database) as connection:
        overflow = [
            int(page)
            for (page,) in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'blob' AND pagetype = 'overflow'"
            )
        ]
    assert overflow, "the sample pack has a file longer than a page"
    installed = _query(station, "SELECT id FROM pack")
    _damage(station.database, overflow[-1:])

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    message = store.damaged.message()
    assert "lost: micro-credential files, installed micro-credentials" in message
    # The damaged pack is not half-installed: it is gone, to install again whole.
    assert _query(station, "SELECT id FROM pack") == []
    assert _query(station, "SELECT count(*) FROM pack_file") == [(0,)]
    assert installed


def test_a_pin_made_since_the_last_start_is_in_the_copy(station: Paths) -> None:
    key = Ed25519PrivateKey.generate().public_key()
    pin_enrolled_key(database=station.database, server_url="https://new.example", key=key)
    with opened(station.database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(station.database, _pages(station.database, ("station", "sync_state")))

    store = open_store(station, now=NOW)

    assert store.damaged is not None
    assert "this station kept its identity" in store.damaged.message()
    assert _query(station, "SELECT id FROM station") == [(STATION_ID,)]
    assert _query(station, "SELECT value FROM sync_state WHERE key = 'server_public_key'") == [
        (public_key_b64(key),)
    ]
