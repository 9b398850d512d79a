"""Sync by USB stick: export, import on the server (twice), receipts back, outbox empty."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, func, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.files import RECEIPTS_KIND, FileRefused, signed_file
from mcdesk.server.admin import revoke_station
from mcdesk.server.models import Event, Result
from mcdesk.server.signer import load_signer
from mcdesk.server.sneakernet import ImportReport, import_sync_file
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.sync.client import fetch_server_key, pending_count
from mcdesk.sync.pinning import pin_enrolled_key
from mcdesk.sync.sneakernet import export_outbox, import_receipts
from tests.conftest import NOW
from tests.server.conftest import RunningServer
from tests.sync.badging import badge_document
from tests.sync.examstation import LEARNER, ExamStation


def server_import(server: RunningServer, path: Path) -> ImportReport:
    with Session(server.engine) as session:
        signer = load_signer(session)
        assert signer is not None
        return import_sync_file(session, path=path, signer=signer, now=datetime.now(UTC))


def counts(server: RunningServer) -> tuple[int, int]:
    with Session(server.engine) as session:
        events = session.exec(select(func.count()).select_from(Event)).one()
        results = session.exec(select(func.count()).select_from(Result)).one()
    return events, results


def unsent(database: Path) -> int:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            return pending_count(session)
    finally:
        engine.dispose()


@pytest.fixture
def pinned(exam_station: ExamStation, server: RunningServer) -> ExamStation:
    """The station trusts the server's key, as provisioning or enrolment leaves it."""
    pin_enrolled_key(
        database=exam_station.database,
        server_url=server.base_url,
        key=fetch_server_key(server.base_url),
    )
    return exam_station


def export(station: ExamStation, path: Path) -> int:
    report = export_outbox(
        database=station.database, station_key=station.identity.key, output=path, now=NOW
    )
    assert path.stat().st_mode & 0o777 == 0o600
    return report.events


def test_a_usb_round_trip_stores_each_result_once_and_empties_the_outbox(
    pinned: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    result = pinned.take(correct=6)
    stick = tmp_path / "stick"
    exported = export(pinned, stick / "lab-1.mcsync")
    assert exported == unsent(pinned.database) > 0

    first = server_import(server, stick / "lab-1.mcsync")
    assert len(first.outcome.response.accepted) == exported
    after_first = counts(server)
    assert after_first[1] == 1
    again = server_import(server, stick / "lab-1.mcsync")
    assert again.outcome.response.accepted == []
    assert len(again.outcome.response.duplicate) == exported
    assert counts(server) == after_first  # the same file twice changes nothing
    with Session(server.engine) as session:
        assert session.exec(select(Result)).one().id == result.id

    receipts = stick / "lab-1.receipts"
    receipts.write_bytes(again.receipts_file)
    report = import_receipts(database=pinned.database, path=receipts)
    assert report.stored == exported
    assert report.remaining == 0
    assert unsent(pinned.database) == 0
    # The same receipts again store nothing new; a later export is empty.
    assert import_receipts(database=pinned.database, path=receipts).stored == 0
    assert export(pinned, stick / "later.mcsync") == 0


def test_a_damaged_or_forged_export_is_refused_and_nothing_is_stored(
    pinned: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    pinned.take(correct=6)
    good = tmp_path / "good.mcsync"
    export(pinned, good)
    document = json.loads(good.read_bytes())

    flipped = dict(document)
    body = bytearray(base64.b64decode(document["body"]))
    body[len(body) // 2] ^= 0x01
    flipped["body"] = base64.b64encode(bytes(body)).decode()
    cases = {
        "flipped.mcsync": json.dumps(flipped).encode(),
        "truncated.mcsync": good.read_bytes()[:-200],
        "other-kind.mcsync": json.dumps({**document, "kind": "mcdesk-provision"}).encode(),
        "forged.mcsync": signed_file(
            "mcdesk-sync-export", base64.b64decode(document["body"]), Ed25519PrivateKey.generate()
        ),
    }
    reasons = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(FileRefused) as refused:
            server_import(server, path)
        reasons[name] = str(refused.value)
    assert counts(server) == (0, 0)
    assert "not signed by station" in reasons["forged.mcsync"]
    assert "not a sync file" in reasons["truncated.mcsync"]
    assert "not a mcdesk-sync-export file" in reasons["other-kind.mcsync"]


def test_an_export_from_a_revoked_station_is_refused(
    pinned: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    pinned.take(correct=6)
    path = tmp_path / "lab.mcsync"
    export(pinned, path)
    with Session(server.engine) as session:
        revoke_station(session, station_id=pinned.identity.id, now=datetime.now(UTC))
    with pytest.raises(FileRefused, match="revoked"):
        server_import(server, path)
    assert counts(server) == (0, 0)


def test_receipts_not_signed_by_the_pinned_server_are_refused(
    pinned: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    pinned.take(correct=6)
    export(pinned, tmp_path / "lab.mcsync")
    answer = server_import(server, tmp_path / "lab.mcsync")
    body = base64.b64decode(json.loads(answer.receipts_file)["body"])
    forged = tmp_path / "forged.receipts"
    forged.write_bytes(signed_file(RECEIPTS_KIND, body, Ed25519PrivateKey.generate()))
    waiting = unsent(pinned.database)
    with pytest.raises(FileRefused, match="not signed by this station's server"):
        import_receipts(database=pinned.database, path=forged)
    assert unsent(pinned.database) == waiting


def test_the_receipts_file_brings_badges_verified_against_the_server_key(
    pinned: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    pinned.take(correct=6)
    export(pinned, tmp_path / "lab.mcsync")
    answer = server_import(server, tmp_path / "lab.mcsync")
    with Session(server.engine) as session:
        signer = load_signer(session)
    assert signer is not None
    body = json.loads(base64.b64decode(json.loads(answer.receipts_file)["body"]))
    good = badge_document(signer.private_key, learner_id=LEARNER)
    foreign = badge_document(Ed25519PrivateKey.generate(), number=2)
    body["badges"] = [good, foreign]
    receipts = tmp_path / "lab.receipts"
    receipts.write_bytes(signed_file(RECEIPTS_KIND, canonical_json(body), signer.private_key))
    report = import_receipts(database=pinned.database, path=receipts, now=NOW)
    assert report.badges == 1
    assert "is not an issuer this verifier trusts" in report.badges_refused[0][1]
    with opened(pinned.database, read_only=True) as connection:
        rows = connection.execute("SELECT credential_id, learner_id, status FROM badge").fetchall()
    assert [tuple(row) for row in rows] == [(good["credential_id"], LEARNER, "issued")]
    assert unsent(pinned.database) == 0
