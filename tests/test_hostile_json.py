"""JSON nested 10,000 deep or holding a 5,000-digit number, in every file and answer a
station reads: refused in words (never a traceback), and nothing is written."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, func, select

from mcdesk.cli import main
from mcdesk.content.sealing import SealError, read_pack_key
from mcdesk.paths import Paths
from mcdesk.protocol.files import EXPORT_KIND, RECEIPTS_KIND, FileRefused, signed_file
from mcdesk.server.db import make_engine as make_server_engine
from mcdesk.server.db import migrate
from mcdesk.server.models import Event
from mcdesk.server.signer import ensure_signer
from mcdesk.server.sneakernet import import_sync_file
from mcdesk.settings import Settings, SettingsError, load_settings
from mcdesk.startup import run_setup, setup_needs
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import upgrade
from mcdesk.store.outbox import add_event
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.client import SyncError, fetch_server_key, push_once
from mcdesk.sync.pinning import pin_enrolled_key
from mcdesk.sync.pull import pull_streams
from mcdesk.sync.sneakernet import import_receipts
from tests.sync.applying import Store
from tests.zipedit import entries, rewrite

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
DEEP = "[" * 10_000 + "]" * 10_000
HUGE = "1" * 5_000
HOSTILE = {"nested 10,000 deep": DEEP, "a 5,000-digit number": HUGE}
REASONS = {"nested 10,000 deep": "nests deeper than", "a 5,000-digit number": "digits is too long"}


@pytest.fixture(params=sorted(HOSTILE))
def hostile(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(the JSON value, the words its refusal must hold)."""
    name = str(request.param)
    return HOSTILE[name], REASONS[name]


def with_member(document: bytes, value: str) -> bytes:
    """``document`` (a JSON object) with one more member holding ``value`` verbatim."""
    assert document.lstrip().startswith(b"{")
    return b'{"hostile":' + value.encode() + b"," + document.lstrip()[1:]


@pytest.fixture
def station(home: Paths) -> Store:
    """A station that has run once: demo school, local codes, its own key."""
    open_store(home, now=NOW)
    settings = Settings(import_bundled_catalog=False)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=settings)
    run_setup(home, settings, needs, now=NOW)
    return Store(home.database)


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command that must refuse; its stderr, which names the reason in one line."""
    assert main(list(args)) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err + captured.out


def test_a_pack_manifest(
    hostile: tuple[str, str],
    station: Store,
    source: Path,
    publisher_key: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    value, reason = hostile
    pack = tmp_path / "sample.mcpack"
    assert main(["pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key)]) == 0
    manifest = with_member(entries(pack)["pack.json"], value)
    bad = rewrite(pack, tmp_path / "bad.mcpack", replace={"pack.json": manifest})
    before = station.dump()
    err = refused(capsys, "pack", "import", str(bad))
    assert reason in err
    assert "Nothing was changed." in err
    assert station.dump() == before
    assert reason in refused(capsys, "pack", "verify", str(bad))


def test_a_provisioning_file(
    hostile: tuple[str, str], station: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value, reason = hostile
    key = Ed25519PrivateKey.generate()
    body = with_member(b'{"update": true}', value)
    whole = tmp_path / "whole.mcprovision"
    whole.write_bytes(with_member(b'{"kind": "mcdesk-provision", "format": 1}', value))
    inner = tmp_path / "inner.mcprovision"
    inner.write_bytes(signed_file("mcdesk-provision", body, key))
    before = station.dump()
    for path in (whole, inner):
        err = refused(capsys, "station", "provision", str(path))
        assert err.startswith("refused: ")
        assert reason in err
        assert station.dump() == before


def test_a_receipts_file(
    hostile: tuple[str, str], station: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value, reason = hostile
    server_key = Ed25519PrivateKey.generate()
    pin_enrolled_key(
        database=station.database, server_url="https://example.org", key=server_key.public_key()
    )
    whole = tmp_path / "whole.receipts"
    whole.write_bytes(with_member(b'{"kind": "mcdesk-sync-receipts"}', value))
    body = with_member(b'{"station_id": "x", "receipts": []}', value)
    inner = tmp_path / "inner.receipts"  # signed by the pinned key: the body is read
    inner.write_bytes(signed_file(RECEIPTS_KIND, body, server_key))
    before = station.dump()
    for path in (whole, inner):
        with pytest.raises(FileRefused, match=reason):
            import_receipts(database=station.database, path=path)
        assert reason in refused(capsys, "sync", "import-receipts", str(path))
        assert station.dump() == before


def test_an_export_file_on_the_server(hostile: tuple[str, str], tmp_path: Path) -> None:
    value, reason = hostile
    whole = tmp_path / "whole.mcsync"
    whole.write_bytes(with_member(b'{"kind": "mcdesk-sync-export"}', value))
    inner = tmp_path / "inner.mcsync"
    body = with_member(b'{"station_id": "x", "events": []}', value)
    inner.write_bytes(signed_file(EXPORT_KIND, body, Ed25519PrivateKey.generate()))
    engine = make_server_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        migrate(engine)
        with Session(engine) as session:
            signer = ensure_signer(session, now=NOW)
            session.commit()
            for path in (whole, inner):
                with pytest.raises(FileRefused, match=reason):
                    import_sync_file(session, path=path, signer=signer, now=NOW)
            assert session.exec(select(func.count()).select_from(Event)).one() == 0
    finally:
        engine.dispose()


def test_settings_publisher_and_pack_key_files(
    hostile: tuple[str, str], home: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value, reason = hostile
    home.settings_file.parent.mkdir(parents=True, exist_ok=True)
    home.settings_file.write_bytes(with_member(b"{}", value))
    with pytest.raises(SettingsError, match=reason):
        load_settings(home.settings_file)
    assert "cannot use the settings" in refused(capsys, "catalog", "list")
    home.settings_file.unlink()

    publisher = tmp_path / "acme.pub.json"
    publisher.write_bytes(with_member(b'{"kind": "mcdesk-publisher"}', value))
    assert reason in refused(capsys, "keys", "trust", str(publisher))
    assert not list(home.trusted_publishers_dir.glob("*"))

    pack_key = tmp_path / "sample.packkey.json"
    pack_key.write_bytes(with_member(b'{"pack_id": "sample-pack"}', value))
    with pytest.raises(SealError, match=reason):
        read_pack_key(pack_key)


class HostileServer(ThreadingHTTPServer):
    """A server in the middle that answers every request with ``body`` and ``status``."""

    def __init__(self, body: bytes, status: int) -> None:
        super().__init__(("127.0.0.1", 0), Answer)
        self.body, self.status = body, status

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Answer(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        server = self.server
        assert isinstance(server, HostileServer)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the station's refusal, not the server's log."""


def hostile_server(body: bytes, status: int = 200) -> Iterator[HostileServer]:
    server = HostileServer(body, status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_sync_answer(hostile: tuple[str, str], tmp_path: Path) -> None:
    value, _ = hostile
    station = Store(tmp_path / "station.sqlite3")
    upgrade(station.database)
    engine = make_engine(station.database)
    try:
        with Session(engine) as session:
            event_id = add_event(session, kind="skill_studied", body={"n": 1}, now=NOW).id
            session.commit()
    finally:
        engine.dispose()
    receipt = {"event_id": event_id, "body": value, "signature": ""}
    answers = {
        "whole answer": (with_member(b"{}", value), 200),
        "a receipt": (
            json.dumps(
                {"accepted": [event_id], "duplicate": [], "rejected": [], "receipts": [receipt]}
            ).encode(),
            200,
        ),
        "a refusal": (with_member(b'{"detail": "no"}', value), 400),
    }
    key = Ed25519PrivateKey.generate()
    before = station.dump()
    for body, status in answers.values():
        for server in hostile_server(body, status):
            with pytest.raises(SyncError) as refusal:
                fetch_server_key(server.url)
            assert "Traceback" not in str(refusal.value)
            with pytest.raises(SyncError):
                push_once(
                    database=station.database,
                    station_key=key,
                    station_id="station-a",
                    server_url=server.url,
                    server_public_key=key.public_key(),
                )
            with pytest.raises(SyncError):
                pull_streams(
                    database=station.database,
                    station_key=key,
                    station_id="station-a",
                    server_url=server.url,
                    server_public_key=key.public_key(),
                    appliers={"roster": STREAM_APPLIERS["roster"]},
                )
        assert station.dump() == before
