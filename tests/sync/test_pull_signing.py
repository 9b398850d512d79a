"""Signed pull pages and manifests: a network in the middle can neither edit nor replay them."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.keys import PublisherKey
from mcdesk.passwords import hash_secret
from mcdesk.server.publish import publish_file
from mcdesk.server.schools import add_teacher
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.client import SyncError
from mcdesk.sync.content import CATALOG_STREAM, apply_catalog, fetch_content
from mcdesk.sync.pull import CURSOR_PREFIX, pull_streams
from tests.contentpacks import build_version
from tests.server.conftest import RunningServer
from tests.server.pulling import EnrolledStation, enrolled_station, set_up_school
from tests.sync.proxy import REWRITE, fault_proxy

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
ROSTER = {"roster": STREAM_APPLIERS["roster"]}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what is checked here is the station's side of the wire."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def _split(answer: bytes) -> tuple[bytes, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, json.loads(body)


def _join(head: bytes, document: dict[str, object]) -> bytes:
    body = json.dumps(document).encode()
    lines = [
        line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-length:")
    ]
    return b"\r\n".join([*lines, b"Content-Length: %d" % len(body)]) + b"\r\n\r\n" + body


def _edit_body(answer: bytes, change: Callable[[dict[str, object]], None]) -> bytes:
    """Edit the signed body as a network in the middle would, keeping the signature."""
    head, envelope = _split(answer)
    if not isinstance(envelope.get("body"), str):
        return answer  # a refusal or another kind of answer: passed on as it came
    body = json.loads(base64.b64decode(str(envelope["body"])))
    change(body)
    envelope["body"] = base64.b64encode(json.dumps(body).encode()).decode()
    return _join(head, envelope)


def _add_mitm_teacher(page: dict[str, object]) -> None:
    items = page["items"]
    assert isinstance(items, list)
    school = next(item["key"] for item in items if item["key"].startswith("school:"))
    teacher = {
        "id": "mitm",
        "school_id": school.removeprefix("school:"),
        "username": "mitm",
        "display_name": "Not a teacher",
        "password_hash": hash_secret("owned"),
    }
    items.append({"key": "teacher:mitm", "document": teacher})


def _roster_only(rewrite: Callable[[bytes], bytes]) -> Callable[[bytes, bytes], bytes]:
    def on_answer(request: bytes, answer: bytes) -> bytes:
        return rewrite(answer) if b"/api/v1/pull/roster" in request.split(b"\r\n")[0] else answer

    return on_answer


def _pull(station: EnrolledStation, url: str) -> None:
    pull_streams(
        database=station.database,
        station_key=station.key,
        station_id=station.station_id,
        server_url=url,
        server_public_key=station.server_key(),
        appliers=ROSTER,
    )


def _nothing_applied(station: EnrolledStation) -> None:
    assert station.query("SELECT count(*) FROM teacher") == [(0,)]
    assert station.query("SELECT count(*) FROM sync_state WHERE key LIKE 'cursor:%'") == [(0,)]


def _resigned(answer: bytes) -> bytes:
    """The attacker edits the page and signs it with a key of its own."""
    head, envelope = _split(_edit_body(answer, _add_mitm_teacher))
    body = base64.b64decode(str(envelope["body"]))
    envelope["signature"] = base64.b64encode(Ed25519PrivateKey.generate().sign(body)).decode()
    return _join(head, envelope)


@pytest.mark.parametrize(
    "attack",
    [lambda answer: _edit_body(answer, _add_mitm_teacher), _resigned],
    ids=["edited", "re-signed"],
)
def test_a_roster_page_edited_on_the_way_is_refused_and_nothing_is_applied(
    server: RunningServer, tmp_path: Path, attack: Callable[[bytes], bytes]
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    with (
        fault_proxy(server.base_url, modes=[REWRITE], seed=1, rewrite=_roster_only(attack)) as mitm,
        pytest.raises(SyncError, match="was not signed by the server this station trusts"),
    ):
        _pull(station, mitm.url)
    _nothing_applied(station)
    # Straight to the server, the same pull works: the page was refused, not the server.
    _pull(station, server.base_url)
    assert station.query("SELECT username FROM teacher") == [("mlee",)]


def test_a_page_for_another_station_is_refused(server: RunningServer, tmp_path: Path) -> None:
    school = set_up_school(server.engine)
    other = enrolled_station(server, tmp_path, school_id=school.school_id)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    recorded: list[bytes] = []

    def record(answer: bytes) -> bytes:
        recorded.append(answer)
        return answer

    with fault_proxy(server.base_url, modes=[REWRITE], seed=1, rewrite=_roster_only(record)) as tap:
        _pull(other, tap.url)
    with (
        fault_proxy(
            server.base_url, modes=[REWRITE], seed=1, rewrite=_roster_only(lambda _: recorded[0])
        ) as mitm,
        pytest.raises(SyncError, match="was meant for another station; nothing of it was used"),
    ):
        _pull(station, mitm.url)
    _nothing_applied(station)


def test_a_replayed_old_page_is_refused_and_the_cursor_stays(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    _pull(station, server.base_url)
    cursor = station.query("SELECT value FROM sync_state WHERE key = ?", CURSOR_PREFIX + "roster")
    recorded: list[bytes] = []

    def record(answer: bytes) -> bytes:
        recorded.append(answer)
        return answer

    # "Nothing new", recorded; then a new teacher, which the replay tries to hide.
    with fault_proxy(server.base_url, modes=[REWRITE], seed=1, rewrite=_roster_only(record)) as tap:
        _pull(station, tap.url)
    with Session(server.engine) as session:
        add_teacher(
            session,
            school_id=school.school_id,
            username="okafor",
            display_name="Mr Okafor",
            password="a long enough passphrase",
            now=NOW,
        )
    with (
        fault_proxy(
            server.base_url, modes=[REWRITE], seed=1, rewrite=_roster_only(lambda _: recorded[0])
        ) as mitm,
        pytest.raises(SyncError, match="answers an earlier request"),
    ):
        _pull(station, mitm.url)
    after = station.query("SELECT value FROM sync_state WHERE key = ?", CURSOR_PREFIX + "roster")
    assert after == cursor
    _pull(station, server.base_url)
    assert ("okafor",) in station.query("SELECT username FROM teacher")


def _edit_signed_hash(answer: bytes) -> bytes:
    def change(document: dict[str, object]) -> None:
        document["manifest_sha256"] = hashlib.sha256(EDITED_MANIFEST).hexdigest()

    return _edit_body(answer, change)


def _swap_manifest(answer: bytes) -> bytes:
    """Replace the manifest that travels beside the signed body; leave the body alone."""
    head, envelope = _split(answer)
    envelope["manifest"] = base64.b64encode(EDITED_MANIFEST).decode()
    return _join(head, envelope)


EDITED_MANIFEST = b'{"title":"edited on the way"}'


@pytest.mark.parametrize(
    ("tamper", "refusal"),
    [
        (_edit_signed_hash, "was not signed by the server this station trusts"),
        (_swap_manifest, "is not the one the server signed"),
    ],
    ids=["signed body edited", "manifest beside it swapped"],
)
def test_a_tampered_manifest_is_refused_before_any_file(
    server: RunningServer,
    tmp_path: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tamper: Callable[[bytes], bytes],
    refusal: str,
) -> None:
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    built = build_version(tmp_path, publisher_key)
    with Session(server.engine) as session:
        publish_file(
            session, path=built.output, pack_key_path=built.pack_key_file, trusted=trusted, now=NOW
        )
    common = {
        "database": station.database,
        "station_key": station.key,
        "station_id": station.station_id,
        "server_public_key": station.server_key(),
    }
    pull_streams(**common, server_url=server.base_url, appliers={CATALOG_STREAM: apply_catalog})
    asked: list[bytes] = []

    def on_answer(request: bytes, answer: bytes) -> bytes:
        asked.append(request.split(b"\r\n")[0])
        return tamper(answer) if b"/api/v1/packs/" in asked[-1] else answer

    with (
        fault_proxy(server.base_url, modes=[REWRITE], seed=1, rewrite=on_answer) as mitm,
        pytest.raises(SyncError, match=rf"manifest of sample-pack 1\.0\.0 .*{refusal}"),
    ):
        fetch_content(**common, server_url=mitm.url, trusted=trusted)
    assert not any(b"/api/v1/blobs/" in line for line in asked)  # no file was asked for
    assert station.query("SELECT count(*) FROM pack") == [(0,)]
