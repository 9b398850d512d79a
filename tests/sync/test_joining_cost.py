"""Joining a server seals nothing on the station that the server's slots would replace."""

from __future__ import annotations

import hashlib
import threading
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
