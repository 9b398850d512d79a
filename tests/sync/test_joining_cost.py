"""Joining a server seals nothing on the station that the server's slots would replace."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mcdesk.cli.main import main
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from tests.server.conftest import (  # noqa: F401  (fixtures pytest finds by name)
    RunningServer,
    database_url,
    postgres_port,
    server,
)
from tests.sync.test_provision import provision_file  # noqa: F401  (a fixture)


def _scrypt_runs_on_this_thread(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every scrypt run the station makes (the live server's threads are not counted)."""
    runs: list[int] = []
    station_thread = threading.get_ident()
    real = hashlib.scrypt

    def counting(password: bytes, **kwargs: int) -> bytes:
        if threading.get_ident() == station_thread:
            runs.append(kwargs["n"])
        return real(password, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return runs


def _own_secrets(home: Paths) -> tuple[int, int]:
    """(teacher issuers sealed on this station, demo learners seeded)."""
    with opened(home.database, read_only=True) as connection:
        issuers = connection.execute("SELECT count(*) FROM issuer").fetchone()[0]
        demo = connection.execute(
            "SELECT count(*) FROM learner WHERE id LIKE 'demo-learner-%'"
        ).fetchone()[0]
    return int(issuers), int(demo)


def test_provisioning_a_fresh_station_runs_no_scrypt_on_it(
    home: Paths,
    provision_file: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runs = _scrypt_runs_on_this_thread(monkeypatch)
    assert main(["station", "provision", str(provision_file)]) == 0
    assert "code_slots 40" in capsys.readouterr().out
    # No demo code slots (one scrypt each) and no demo PINs hashed, only to be replaced.
    assert runs == []
    assert _own_secrets(home) == (0, 0)


def test_enrolling_a_fresh_station_runs_no_scrypt_on_it_and_says_how_far_it_is(
    home: Paths,
    server: RunningServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = ["--db", str(server.engine.url.render_as_string(hide_password=False))]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    capsys.readouterr()
    assert (
        main(["admin", "enrol-token", "--school", "Northside", "--station-name", "Lab 1", *db]) == 0
    )
    token = capsys.readouterr().out.strip()

    runs = _scrypt_runs_on_this_thread(monkeypatch)
    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 0
    shown = capsys.readouterr()
    assert runs == []
    assert _own_secrets(home) == (0, 0)
    assert "code_slots 40" in shown.out
    stages = [line.split("] ", 1)[1] for line in shown.err.splitlines()]
    assert stages == [
        "preparing this station…",
        f"asking {server.base_url} to enrol this station…",
        "first sync: push…",
        "first sync: pull…",
        "first sync: content…",
        "done",
    ]


def test_enrolment_is_reported_done_before_its_packs_and_their_download_is_shown(
    home: Paths,
    server: RunningServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The roster and codes are reported here first; then the pack's bytes, then the pack."""
    from sqlmodel import Session

    from mcdesk.content.bundled import read_bundled_index
    from mcdesk.paths import bundled_catalog_dir
    from mcdesk.server.publish import bundled_pack_key, publish_file, server_trusted_publishers

    pack = "access-control-lists"
    entry = next(e for e in read_bundled_index(bundled_catalog_dir()) if e.id == pack)
    with Session(server.engine) as session:
        publish_file(
            session, path=entry.file, pack_key_path=bundled_pack_key(pack),
            trusted=server_trusted_publishers(), now=datetime.now(UTC),
        )  # fmt: skip
    db = ["--db", str(server.engine.url.render_as_string(hide_password=False))]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    capsys.readouterr()
    assert (
        main(["admin", "enrol-token", "--school", "Northside", "--station-name", "Lab 1", *db]) == 0
    )
    token = capsys.readouterr().out.strip()

    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 0
    shown = capsys.readouterr()
    out = shown.out.splitlines()
    assert out[1].startswith("pulled: ")
    assert out[2:] == [f"packs installed: {pack} {entry.version}"]
    stages = [line.split("] ", 1)[1] for line in shown.err.splitlines()]
    pulled = stages.index("first sync: pull…")
    assert stages[pulled + 1] == (
        "enrolment done: roster, codes and keys are here; next, packs (1 in the catalog)"
    )
    assert stages[pulled + 2] == "first sync: content…"
    downloads = stages[pulled + 3 : -1]
    assert downloads, shown.err
    assert all(line.startswith("packs: ") for line in downloads)
    assert downloads[0].endswith("1 micro-credentials to bring up to date")
    total = downloads[-1].split(" of ", 1)[1].split(" MB", 1)[0]
    assert downloads[-1].startswith(f"packs: {total} of {total} MB: downloading ")
    assert stages[-1] == "done"
    with opened(home.database, read_only=True) as connection:
        installed = [tuple(row) for row in connection.execute("SELECT id FROM pack")]
    assert installed == [(pack,)]
