"""Pack keys wrapped by the exam key, sealed banks opened in memory only, and first-run wiring.

Real packs (tests/packsource.py and the bundled demo catalog), real SQLite files, real
scrypt and AES-GCM.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.content.sealing import PackKey, new_pack_key, read_pack_key
from mcdesk.demo import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
from mcdesk.exam.issuer import open_issuer
from mcdesk.exam.keyring import (
    KeyringError,
    load_pack_keys,
    open_bank,
    packs_waiting_for_a_key,
    unwrap_pack_key,
    wrap_pack_key,
    wrap_pending_pack_keys,
)
from mcdesk.exam.unlock import UnlockDesk, read_slot
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths, bundled_catalog_dir, bundled_pack_keys_dir
from mcdesk.protocol.slots import open_slot
from mcdesk.settings import Settings
from mcdesk.startup import WAITING_FOR_A_CODE, SetupNeeds, run_setup, setup_needs
from mcdesk.station import ensure_station_key
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from tests.conftest import NOW
from tests.exam.stations import new_station, set_up_keys, teacher_issuer
from tests.packsource import write_source

# Assessment prompts and a key from tests/packsource.py BANK_TOML: never in plain text on disk.
BANK_TEXT = [
    "How many inches in 3 feet?",
    "Which are units of length?",
    "Match each unit to its size.",
    "^tape( measure)?$",
]


@pytest.fixture
def sample(
    home: Paths, source: Path, publisher_key: Path, trusted: dict[str, PublisherKey], tmp_path: Path
) -> tuple[Path, PackKey]:
    """A station with the sample pack installed and its key wrapped: (database, pack key)."""
    built = build_pack(source, tmp_path / "out" / "sample.mcpack", publisher_key=publisher_key)
    assert built.pack_key_file is not None
    pack_key = read_pack_key(built.pack_key_file)
    database = new_station(home)
    ensure_station_key(home.ensure().station_key)
    engine = make_engine(database)
    import_pack(built.output, engine=engine, trusted=trusted, now=NOW)
    engine.dispose()
    set_up_keys(database, slots=4, pack_keys=[pack_key])
    return database, pack_key


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could sit in a file: raw, hex and base64."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
    ]


def _station_bytes(home: Paths) -> Iterator[tuple[Path, bytes]]:
    root = home.data_dir.parent
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def _assert_nowhere(home: Paths, secrets: dict[str, bytes]) -> None:
    files = list(_station_bytes(home))
    names = {path.name for path, _ in files}
    assert {"mcdesk.sqlite3", "mcdesk.sqlite3-wal", "station.ed25519"} <= names
    for path, data in files:
        for what, secret in secrets.items():
            for form in _forms(secret):
                assert form not in data, f"{what} found in {path}"


def test_nothing_secret_is_on_disk_and_a_right_code_opens_the_bank(
    sample: tuple[Path, PackKey], home: Paths
) -> None:
    database, pack_key = sample
    issuer = teacher_issuer(database)
    with opened(database, read_only=True) as connection:
        # What an attacker would need, worked out in memory only (nothing is written).
        exam_key = open_slot(read_slot(connection, 1), code=issuer.code(1), counter=1)
    assert exam_key is not None
    secrets = {text: text.encode() for text in BANK_TEXT}
    secrets |= {"exam key": exam_key, "issuer secret": issuer.secret, "pack key": pack_key.key}
    _assert_nowhere(home, secrets)

    result = UnlockDesk(database).try_code(issuer.code(1), action="start", now=NOW)
    assert result.exam_key == exam_key
    with opened(database, read_only=True) as connection:
        items = open_bank(connection, pack_id="sample-pack", version="1.0.0", exam_key=exam_key)
    assert len(items) == 10
    prompts = {item["prompt"] for item in items}
    assert {"How many inches in 3 feet?", "Which are units of length?"} <= prompts
    assert {item["id"] for item in items} >= {"meas-as-2", "est-as-5"}
    assert next(i for i in items if i["id"] == "meas-as-2")["answer"] == 36

    _assert_nowhere(home, secrets)  # using a code wrote no key or item anywhere


def test_open_bank_refuses_a_wrong_key_version_or_pack(sample: tuple[Path, PackKey]) -> None:
    database, _ = sample
    exam_key = (
        UnlockDesk(database)
        .try_code(teacher_issuer(database).code(1), action="start", now=NOW)
        .exam_key
    )
    assert exam_key is not None
    with opened(database, read_only=True) as connection:
        with pytest.raises(KeyringError, match="does not open with this exam key"):
            open_bank(connection, pack_id="sample-pack", version="1.0.0", exam_key=os.urandom(32))
        with pytest.raises(KeyringError, match=r"replaced by version 1\.0\.0"):
            open_bank(connection, pack_id="sample-pack", version="0.9.0", exam_key=exam_key)
        with pytest.raises(KeyringError, match="not installed"):
            open_bank(connection, pack_id="no-such-pack", version="1.0.0", exam_key=exam_key)


def test_pack_keys_round_trip_and_are_bound_to_their_names(home: Paths) -> None:
    database = new_station(home)
    exam_key, pack_key = os.urandom(32), new_pack_key("pack-a")
    with opened(database) as connection:
        wrap_pack_key(connection, pack_key=pack_key, exam_key=exam_key)
        same = unwrap_pack_key(
            connection, pack_id="pack-a", key_id=pack_key.key_id, exam_key=exam_key
        )
        assert same == pack_key
        with pytest.raises(KeyringError, match="waiting for the next teacher code"):
            unwrap_pack_key(connection, pack_id="pack-b", key_id=pack_key.key_id, exam_key=exam_key)
        # A wrapped key moved under another pack's name does not open.
        connection.execute("UPDATE wrapped_pack_key SET pack_id = 'pack-b'")
        with pytest.raises(KeyringError, match="does not open"):
            unwrap_pack_key(connection, pack_id="pack-b", key_id=pack_key.key_id, exam_key=exam_key)
        wrapped = connection.execute("SELECT wrapped FROM wrapped_pack_key").fetchone()[0]
    assert pack_key.key not in wrapped


def test_a_pack_added_later_waits_for_the_next_teacher_code(
    sample: tuple[Path, PackKey],
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    database, _ = sample
    other_source = write_source(tmp_path / "src" / "other", pack_id="other-pack", title="Other")
    built = build_pack(other_source, tmp_path / "out" / "other.mcpack", publisher_key=publisher_key)
    assert built.pack_key_file is not None
    engine = make_engine(database)
    import_pack(built.output, engine=engine, trusted=trusted, now=NOW)
    engine.dispose()
    available = load_pack_keys(built.pack_key_file.parent)
    assert {key.pack_id for key in available} == {"sample-pack", "other-pack"}
    with opened(database) as connection:
        assert packs_waiting_for_a_key(connection) == ["other-pack"]

    exam_key = (
        UnlockDesk(database)
        .try_code(teacher_issuer(database).code(1), action="start", now=NOW)
        .exam_key
    )
    assert exam_key is not None
    with opened(database) as connection:
        assert wrap_pending_pack_keys(connection, exam_key=exam_key, available=available) == [
            "other-pack"
        ]
        assert wrap_pending_pack_keys(connection, exam_key=exam_key, available=available) == []
        assert packs_waiting_for_a_key(connection) == []
        items = open_bank(connection, pack_id="other-pack", version="1.0.0", exam_key=exam_key)
    assert len(items) == 10


def _first_run(home: Paths, settings: Settings) -> tuple[SetupNeeds, list[str], str]:
    from mcdesk.store.bootstrap import open_store

    open_store(home, now=NOW)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=settings)
    report = run_setup(home, settings, needs, now=NOW)
    assert report.refused == []
    return needs, report.waiting_keys, report.exam_keys


def _keyed_packs() -> list[str]:
    """The bundled packs that ship a (demo) pack key: every earnable one."""
    keys = bundled_pack_keys_dir().glob("*.packkey.json")
    return sorted(path.name.removesuffix(".packkey.json") for path in keys)


def _bundled_version(pack_id: str) -> str:
    index = json.loads((bundled_catalog_dir() / "index.json").read_text(encoding="utf-8"))
    return next(str(p["version"]) for p in index["packs"] if p["id"] == pack_id)


def _demo_exam_key(home: Paths) -> bytes:
    with opened(home.database) as connection:
        issuer = open_issuer(connection, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
    assert issuer is not None
    result = UnlockDesk(home.database).try_code(issuer.code(1), action="start", now=NOW)
    assert result.exam_key is not None
    return result.exam_key


def test_a_fresh_demo_station_can_open_a_bundled_assessment_with_a_demo_code(home: Paths) -> None:
    needs, waiting, summary = _first_run(home, Settings())
    assert needs.exam_keys
    assert len(_keyed_packs()) >= 3
    assert summary == f"exam codes: 40 slots, {len(_keyed_packs())} pack keys wrapped"
    assert waiting == []
    assert UnlockDesk(home.database).slots_left() == 40
    with opened(home.database) as connection:
        assert not setup_needs(connection, settings=Settings()).any
    exam_key = _demo_exam_key(home)
    with opened(home.database, read_only=True) as connection:
        items = open_bank(
            connection,
            pack_id="basic-multimeter-use",
            version=_bundled_version("basic-multimeter-use"),
            exam_key=exam_key,
        )
    assert items
    assert all("prompt" in item for item in items)


def test_bundled_packs_added_after_set_up_wait_for_a_code(
    home: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    with monkeypatch.context() as patch:
        patch.setattr("mcdesk.startup.bundled_catalog_dir", lambda: nothing)
        patch.setattr("mcdesk.startup.bundled_pack_keys_dir", lambda: nothing)
        _, _, summary = _first_run(home, Settings())
    assert summary == "exam codes: 40 slots, 0 pack keys wrapped"

    needs, waiting, summary = _first_run(home, Settings())  # the app was updated
    assert (needs.exam_keys, len(needs.bundled) > 3, summary) == (False, True, "")
    assert waiting == [f"{pack}: {WAITING_FOR_A_CODE}" for pack in _keyed_packs()]
    exam_key = _demo_exam_key(home)
    with opened(home.database) as connection:
        wrapped = wrap_pending_pack_keys(
            connection, exam_key=exam_key, available=load_pack_keys(bundled_pack_keys_dir())
        )
        assert len(wrapped) == len(_keyed_packs())
        assert packs_waiting_for_a_key(connection) == []


def test_no_exam_keys_are_made_with_a_server_or_without_the_demo(home: Paths) -> None:
    needs, _, summary = _first_run(home, Settings(server_url="https://example.org"))
    assert (needs.exam_keys, summary) == (False, "")


def test_a_first_run_stopped_before_the_slots_finishes_them_next_time(home: Paths) -> None:
    from mcdesk.store.bootstrap import open_store

    open_store(home, now=NOW)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=Settings())
    run_setup(home, Settings(), SetupNeeds(needs.station, needs.demo, ()), now=NOW)
    with opened(home.database) as connection:
        again = setup_needs(connection, settings=Settings())
    assert again.exam_keys
    report = run_setup(home, Settings(), again, now=datetime.now(UTC))
    assert report.exam_keys.startswith("exam codes: 40 slots")
