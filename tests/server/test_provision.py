"""Provisioning by file end to end: admin provision, station provision, codes offline, sync."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from mcdesk.cli.main import main
from mcdesk.content.access import granted_pack_ids
from mcdesk.exam.keyring import open_bank
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.keys import PublisherKey, public_file_for, public_key_b64, read_private_key
from mcdesk.paths import Paths
from mcdesk.server.models import Station
from mcdesk.store.connection import opened
from mcdesk.sync.client import push_once
from mcdesk.sync.pinning import pinned_server_key
from tests.server.conftest import RunningServer
from tests.server.pulling import EnrolledStation, publish_and_grant

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_a_provisioned_station_works_offline_then_syncs_without_repeats(
    server: RunningServer,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    school, ana = publish_and_grant(
        server, source=source, publisher_key=publisher_key, trusted=trusted, out=tmp_path / "out"
    )
    db = ["--db", server.engine.url.render_as_string(hide_password=False)]
    file = tmp_path / "usb" / "lab9.mcprovision"
    args = [
        "admin",
        "provision",
        "--school",
        "Northside",
        "--station-name",
        "Lab 9",
        "-o",
        str(file),
    ]
    assert main([*args, "--server-url", server.base_url, *db]) == 0
    assert "40 unlock codes, 1 packs" in capsys.readouterr().out
    assert file.stat().st_mode & 0o777 == 0o600
    assert main([*args, *db]) == 1  # never over an existing file
    assert "exists already" in capsys.readouterr().err

    # The station: it trusts the pack's publisher, and has never seen a network.
    assert main(["keys", "trust", str(public_file_for(publisher_key))]) == 0
    assert main(["station", "provision", str(file)]) == 0
    out = capsys.readouterr().out
    assert "packs installed: sample-pack 1.0.0" in out
    with opened(home.database, read_only=True) as connection:
        (station_id,) = connection.execute("SELECT id FROM station").fetchone()
        assert granted_pack_ids(connection, learner_id=ana, now=NOW) == {"sample-pack"}
    with Session(server.engine) as session:
        registered = session.get(Station, station_id)
        assert registered is not None
        assert registered.name == "Lab 9"
        assert registered.school_id == school.school_id
        key = read_private_key(home.station_key)
        assert registered.public_key == public_key_b64(key.public_key())

    # Offline: the administrator reads codes from the server; the station opens its bank.
    assert main(["admin", "codes", "--station", "Lab 9", "--count", "2", *db]) == 0
    listing = capsys.readouterr()
    assert "The station asks for a code by its number" in listing.err
    lines = listing.out.splitlines()
    assert [line.split()[0] for line in lines] == ["#1", "#2"]
    code = "".join(lines[0].split()[1:])
    result = UnlockDesk(home.database).try_code(code, action="start", now=NOW)
    assert result.exam_key is not None
    with opened(home.database, read_only=True) as connection:
        assert open_bank(
            connection, pack_id="sample-pack", version="1.0.0", exam_key=result.exam_key
        )

    # Later the network comes: what the file brought is not sent again, the used code is.
    station = EnrolledStation(database=home.database, key=key, station_id=station_id, server=server)
    assert station.pull().items == {
        "roster": 0, "grants": 0, "accommodations": 0, "code_slots": 0, "pack_keys": 0,
        "catalog": 0, "badges": 0, "announcements": 0, "allowances": 0,
    }  # fmt: skip
    pinned = pinned_server_key(home.database)
    assert pinned is not None
    push_once(
        database=home.database,
        station_key=key,
        station_id=station_id,
        server_url=server.base_url,
        server_public_key=pinned,
    )
    assert station.pull().items["code_slots"] == 1  # topped up past the used #1
