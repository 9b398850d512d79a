"""How sync stands, read from a real store and said in plain words."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import upgrade
from mcdesk.store.outbox import add_event
from mcdesk.store.sync_state import SERVER_URL_KEY
from mcdesk.store.tables import SyncReceipt, SyncState
from mcdesk.sync import pinning
from mcdesk.sync.status import (
    SyncStatus,
    ago,
    describe,
    exposed_server,
    exposure_warning,
    headline,
    network_problem,
    read_status,
    read_status_or_none,
    short_reason,
)
from tests.conftest import NOW


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "station.sqlite3"
    upgrade(path)
    return path


def write(database: Path, *, facts: dict[str, str], events: list[str], sent: int = 0) -> None:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            for key, value in facts.items():
                session.merge(SyncState(key=key, value=value))
            added = [add_event(session, kind=kind, body={"n": 1}, now=NOW) for kind in events]
            for event in added[:sent]:
                session.add(
                    SyncReceipt(event_id=event.id, body=b"{}", signature=b"", received_at="")
                )
            session.commit()
    finally:
        engine.dispose()


def status(**changes: object) -> SyncStatus:
    base: dict[str, object] = {
        "enrolled_url": "https://sync.example",
        "last_success_at": NOW,
        "last_attempt_at": NOW,
        "last_error": None,
        "events_waiting": 0,
        "server_url": "https://sync.example",
    }
    return SyncStatus(**{**base, **changes})  # type: ignore[arg-type]


def test_the_status_counts_unsent_events_and_results_and_reads_the_facts(database: Path) -> None:
    write(
        database,
        facts={
            "server_url": "https://sync.example",
            "last_attempt_at": (NOW + timedelta(minutes=1)).isoformat(),
            "last_success_at": NOW.isoformat(),
            "last_error": "server unreachable",
            "last_refused": "2",
        },
        events=["skill_studied", "exam_result", "exam_result", "skill_studied"],
        sent=1,
    )
    read = read_status(database)
    assert read == SyncStatus(
        enrolled_url="https://sync.example",
        last_success_at=NOW,
        last_attempt_at=NOW + timedelta(minutes=1),
        last_error="server unreachable",
        events_waiting=3,
        results_waiting=2,
        refused=2,
        server_url="https://sync.example",
    )
    assert read.failing
    assert read_status(database, settings_url="https://other.example").server_url == (
        "https://other.example"
    )


def test_damaged_facts_read_as_unknown_and_a_missing_store_as_none(
    database: Path, tmp_path: Path
) -> None:
    write(database, facts={"last_success_at": "yesterday-ish", "last_refused": "lots"}, events=[])
    read = read_status(database)
    assert (read.last_success_at, read.refused, read.connected) == (None, 0, False)
    assert read_status_or_none(tmp_path / "absent.sqlite3") is None
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert read_status_or_none(empty) is None


def test_the_server_url_key_is_the_one_pinning_writes() -> None:
    assert SERVER_URL_KEY == pinning.SERVER_URL_KEY


def test_a_station_without_a_server_says_so() -> None:
    lonely = status(enrolled_url=None, server_url=None, last_success_at=None, events_waiting=4)
    assert describe(lonely, NOW) == (
        "Not connected to a school server: results and progress stay on this computer"
        " (4 records waiting to send)"
    )
    assert headline(lonely, NOW).text == "Not connected to a school server"
    assert headline(None, NOW).text == "Checking sync…"


def test_success_failure_and_retry_in_words() -> None:
    later = NOW + timedelta(minutes=2, seconds=10)
    assert describe(status(), later) == "Synced 2 min ago · nothing waiting"
    line = headline(status(events_waiting=1), later)
    assert (line.mark, line.text, line.tone) == ("●", "Synced 2 min ago · 1 waiting", "good")

    failed = status(
        last_attempt_at=NOW + timedelta(hours=1),
        last_error="server unreachable",
        events_waiting=12,
        results_waiting=1,
    )
    at = NOW + timedelta(hours=1, minutes=2)
    assert describe(failed, at, retry_in=40) == (
        "12 records waiting to send (1 assessment result) · last tried 2 min ago: the server "
        "could not be reached · last synced 1 h ago · trying again in 40 s"
    )
    line = headline(failed, at, retry_in=40)
    assert (line.mark, line.text, line.tone) == (
        "▲",
        "12 waiting · server unreachable, retrying in 40 s",
        "problem",
    )
    assert headline(failed, at, syncing=True).text == "Syncing…"
    assert headline(replace(failed, events_waiting=0), at).text == "Server unreachable"

    refused = status(refused=3, events_waiting=3)
    assert "3 records refused by the server (tell your administrator)" in describe(refused, NOW)
    assert headline(refused, NOW).tone == "problem"
    fresh = status(last_success_at=None, last_attempt_at=None)
    assert describe(fresh, NOW) == "Not synced yet · nothing waiting"


@pytest.mark.parametrize(
    ("reason", "short", "network"),
    [
        ("server unreachable", "server unreachable", True),
        ("server did not answer within 10 s", "no answer from the server", True),
        ("the connection broke before the server answered", "connection broke", True),
        ("server error 503", "server error", False),
        ("the server refused the request (401): unknown station", "refused by the server", False),
        ("the server at x presents a different key from the one", "server key changed", False),
        ("response was not understood", "unexpected answer", False),
        (
            "a roster page from the server was not signed by the server this station trusts "
            "(it may have been changed on the way); nothing of it was used",
            "server answer refused",
            False,
        ),
        (
            "a grants page from the server answers an earlier request (it was recorded and "
            "sent again); nothing of it was used",
            "server answer refused",
            False,
        ),
    ],
)
def test_reasons_are_shortened_and_sorted_into_network_or_not(
    reason: str, short: str, network: bool
) -> None:
    assert short_reason(reason) == short
    assert network_problem(reason) is network


def test_time_ago_in_words() -> None:
    assert ago(NOW, NOW - timedelta(minutes=5)) == "just now"  # a clock set back
    assert ago(NOW, NOW + timedelta(seconds=59)) == "just now"
    assert ago(NOW, NOW + timedelta(minutes=59)) == "59 min ago"
    assert ago(NOW, NOW + timedelta(hours=23)) == "23 h ago"
    assert ago(NOW, NOW + timedelta(days=1, hours=2)) == "1 day ago"
    assert ago(NOW, NOW + timedelta(days=9)) == "9 days ago"


def test_a_station_that_joined_a_server_goes_by_the_name_the_server_gave_it(
    database: Path,
) -> None:
    from mcdesk.sync.enrol import rename_station
    from mcdesk.sync.status import joined_station_name

    with sqlite3.connect(database) as raw:
        raw.execute(
            "INSERT INTO station (id, name, public_key, created_at)"
            " VALUES ('s', 'Demo', 'k', '2026-11-22 09:30:00')"
        )
    rename_station(database, "  Lab 1  ")
    with sqlite3.connect(database) as raw:
        assert joined_station_name(raw) is None  # not joined: the settings' name stands
        raw.execute("INSERT INTO sync_state (key, value) VALUES ('server_public_key', 'AAAA')")
        assert joined_station_name(raw) == "Lab 1"


@pytest.mark.parametrize(
    ("url", "exposed"),
    [
        ("https://sync.example.org", False),
        ("HTTPS://203.0.113.9:8443/mcdesk", False),
        ("http://sync.example.org", True),
        ("http://203.0.113.9:8000", True),
        ("http://8.8.8.8", True),
        ("http://school-server:8000", True),  # a bare name could resolve anywhere
        ("http://172.32.0.1", True),  # just past 172.16.0.0/12
        ("http://127.0.0.1:8765", False),
        ("http://localhost:8000", False),
        ("http://10.20.30.40", False),
        ("http://172.16.5.4", False),
        ("http://172.31.255.254", False),
        ("http://192.168.1.20:8000", False),
        ("http://169.254.10.1", False),
        ("http://lab-server.local:8000", False),
        ("http://lab-server.local.:8000", False),
        ("http://[::1]:8000", False),
        ("http://[fe80::1%25eth0]:8000", False),
        ("http://[fd12:3456::1]", False),
        ("http://[2001:db8::1]", True),
    ],
)
def test_a_plain_http_server_beyond_the_local_network_is_exposed(url: str, exposed: bool) -> None:
    assert exposed_server(url) is exposed
    assert (exposure_warning(url) is not None) is exposed


def test_the_plain_http_warning_is_in_words_in_the_headline_and_the_story() -> None:
    plain = status(server_url="http://sync.example.org:8000")
    assert exposure_warning(plain.server_url) == (
        "Sync with sync.example.org is not encrypted (http://) and leaves the local network: "
        "anyone on the way can read learners' results. Signed pages and receipts stop "
        "changes, not reading. Ask your administrator for an https:// address"
    )
    line = headline(plain, NOW + timedelta(minutes=2))
    assert (line.mark, line.text, line.tone) == ("▲", "Synced 2 min ago · not encrypted", "problem")
    assert describe(plain, NOW).endswith("Ask your administrator for an https:// address")
    assert exposure_warning(None) is None
    # An https:// server, or one in the lab, reads as before.
    assert headline(status(), NOW).text == "Synced just now"
    lab = status(server_url="http://192.168.1.20:8000")
    assert headline(lab, NOW) == headline(status(), NOW)
    assert "not encrypted" not in describe(lab, NOW)
