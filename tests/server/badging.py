"""Helpers for badge tests: a provisioned lab that takes the sample assessment for real."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.cli.main import main
from mcdesk.content.catalog import load_manifest
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.keyring import open_bank
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.keys import PublisherKey, public_file_for, read_private_key
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.sync.pinning import pinned_server_key
from mcdesk.sync.pull import Item, pull_streams
from tests.server.conftest import RunningServer
from tests.server.pulling import publish_and_grant

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def right_answer(item: dict[str, Any]) -> Any:
    if item["type"] == "short_text":
        return item["answer"]["accepted"][0]
    return item["answer"]


@dataclass(frozen=True, slots=True)
class Lab:
    """A station provisioned by file, on a stick, for the school of the running server."""

    server: RunningServer
    home: Paths
    stick: Path
    learner_id: str

    @property
    def db(self) -> list[str]:
        return ["--db", self.server.engine.url.render_as_string(hide_password=False)]

    def station_id(self) -> str:
        with sqlite3.connect(self.home.database) as raw:
            (station_id,) = raw.execute("SELECT id FROM station").fetchone()
        return str(station_id)

    def take(self, *, right: bool, capsys: pytest.CaptureFixture[str], nth: int = 1) -> str:
        """Take the sample assessment (every answer right, or none given) with the station's
        ``nth`` code (each code works once); the result id."""
        assert main(["admin", "codes", "--station", "Lab 9", "--count", str(nth), *self.db]) == 0
        code = "".join(capsys.readouterr().out.splitlines()[nth - 1].split()[1:])
        unlocked = UnlockDesk(self.home.database).try_code(code, action="start", now=NOW)
        assert unlocked.exam_key is not None
        with opened(self.home.database, read_only=True) as connection:
            bank = open_bank(
                connection, pack_id="sample-pack", version="1.0.0", exam_key=unlocked.exam_key
            )
            manifest = load_manifest(connection, "sample-pack")
        assert manifest is not None
        by_id = {item["id"]: item for item in bank}
        engine = ExamEngine(
            database=self.home.database, station_key=read_private_key(self.home.station_key)
        )
        try:
            attempt = engine.create_attempt(
                learner_id=self.learner_id,
                pack_id="sample-pack",
                pack_version="1.0.0",
                blueprint=manifest["assessment"],
                bank=bank,
            )
            engine.unlock(attempt, action="start", counter=unlocked.counter)
            engine.start()
            for shown in engine.form["items"]:
                answer = right_answer(by_id[shown["id"]]) if right else None
                engine.answer(item_id=shown["id"], response=answer)
            return engine.submit().id
        finally:
            engine.close()

    def carry(self, capsys: pytest.CaptureFixture[str]) -> Path:
        """Export the station's events, import them on the server; the receipts file."""
        export, receipts = self.stick / "lab9.mcsync", self.stick / "lab9.receipts"
        assert main(["sync", "export", "-o", str(export)]) == 0
        assert main(["admin", "import-sync", str(export), "-o", str(receipts), *self.db]) == 0
        capsys.readouterr()
        return receipts

    def server_key(self) -> Ed25519PublicKey:
        """The server key the station pinned at provisioning."""
        key = pinned_server_key(self.home.database)
        assert key is not None
        return key

    def pull_badges(self) -> list[Item]:
        """Pull the ``badges`` stream as the station would; the items as they arrived."""
        arrived: list[Item] = []
        pull_streams(
            database=self.home.database,
            station_key=read_private_key(self.home.station_key),
            station_id=self.station_id(),
            server_url=self.server.base_url,
            server_public_key=self.server_key(),
            appliers={"badges": lambda _session, items, _now: arrived.extend(items)},
        )
        return arrived


def provisioned_lab(
    server: RunningServer,
    *,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> Lab:
    """The school with the sample pack granted, and Lab 9 provisioned by file."""
    _, ana = publish_and_grant(
        server, source=source, publisher_key=publisher_key, trusted=trusted, out=tmp_path / "out"
    )
    lab = Lab(server=server, home=home, stick=tmp_path / "usb", learner_id=ana)
    provision = lab.stick / "lab9.mcprovision"
    assert main(["admin", "provision", "--school", "Northside", "--station-name", "Lab 9",
                 "-o", str(provision), *lab.db]) == 0  # fmt: skip
    assert main(["keys", "trust", str(public_file_for(publisher_key))]) == 0
    assert main(["station", "provision", str(provision)]) == 0
    capsys.readouterr()
    return lab
