"""Real assessments pushed to a real server: the exam log's chain re-checked, results re-scored."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from mcdesk.content.sealing import bank_aad, new_pack_key, seal
from mcdesk.protocol.canonical import canonical_json
from mcdesk.server.models import (
    ContentBlob,
    Event,
    ExamLogEntry,
    Flag,
    PublishedPack,
    Result,
    ServerPackKey,
)
from mcdesk.server.report import build_report, render
from mcdesk.server.rescore import rescore_pending
from tests.exam.bank import BLUEPRINT, PACK, VERSION
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, enrol
from tests.sync.examstation import BANK, ExamStation


def publish_bank(server: RunningServer) -> None:
    """The server's copy of the pack: its sealed bank, manifest and key (as publish stores)."""
    pack_key = new_pack_key(PACK)
    plain = canonical_json({"pack_id": PACK, "version": VERSION, "items": BANK})
    sealed = seal(plain, pack_key=pack_key, aad=bank_aad(PACK, VERSION))
    sha = hashlib.sha256(sealed).hexdigest()
    manifest = {
        "id": PACK,
        "version": VERSION,
        "assessment": {
            "proficiency_level": BLUEPRINT["proficiency_level"],
            "bank": {"path": "assessment/bank.sealed", "key_id": pack_key.key_id},
        },
        "files": [{"path": "assessment/bank.sealed", "sha256": sha, "size": len(sealed)}],
    }
    body = canonical_json(manifest)
    now = datetime.now(UTC)
    with Session(server.engine) as session:
        session.add(ContentBlob(sha256=sha, size=len(sealed), data=sealed))
        session.add(
            PublishedPack(
                pack_id=PACK,
                version=VERSION,
                manifest=body,
                signature=b"-",
                manifest_sha256=hashlib.sha256(body).hexdigest(),
                size=len(sealed),
                published_at=now,
            )
        )
        session.add(
            ServerPackKey(pack_id=PACK, key_id=pack_key.key_id, key=pack_key.key, created_at=now)
        )
        session.commit()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy, WAL included (SQLite's online backup)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def flags(server: RunningServer) -> list[Flag]:
    with Session(server.engine) as session:
        return list(session.exec(select(Flag).order_by(col(Flag.id))))


def results(server: RunningServer) -> list[Result]:
    with Session(server.engine) as session:
        return list(session.exec(select(Result)))


def log_entries(server: RunningServer) -> list[ExamLogEntry]:
    with Session(server.engine) as session:
        return list(session.exec(select(ExamLogEntry).order_by(col(ExamLogEntry.seq))))


def test_a_result_arrives_with_its_whole_exam_log_and_no_flags(
    exam_station: ExamStation, server: RunningServer
) -> None:
    result = exam_station.take(correct=6)
    report = exam_station.push()
    assert report.rejected == []
    assert report.remaining == 0
    entries = log_entries(server)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[-1].kind == "scored"
    [row] = results(server)
    assert row.id == result.id
    assert row.event_counter == result.document["event_counter"]
    assert row.rescored is False  # the pack is not published here: the station's score stands
    assert row.passed is True
    assert flags(server) == []


def test_the_server_rescores_with_its_pack_key_and_its_score_counts(
    exam_station: ExamStation, server: RunningServer
) -> None:
    publish_bank(server)
    honest = exam_station.take(correct=6)
    exam_station.push()
    # A station that lies: a failed attempt re-signed with a perfect score by its own key.
    failed = exam_station.take(correct=1)
    document: dict[str, Any] = json.loads(failed.body)
    document["score"] = {**document["score"], "points": 6.0, "ratio": 1.0, "passed": True}
    document["id"] = document["id"][:-4] + "beef"
    signed = canonical_json(document)
    forged = canonical_json(
        {
            "kind": "exam_result",
            "result_id": document["id"],
            "attempt_id": document["attempt_id"],
            "result": base64.b64encode(signed).decode(),
            "signature": base64.b64encode(exam_station.identity.key.sign(signed)).decode(),
        }
    ).decode()
    event = {
        "id": document["id"],
        "seq": 9000,
        "kind": "exam_result",
        "body": forged,
        "body_sha256": hashlib.sha256(forged.encode()).hexdigest(),
    }
    exam_station.push()  # the real (failed) result and its log
    assert push(server.base_url, exam_station.identity, [event]).json()["accepted"] == [event["id"]]
    by_id = {row.id: row for row in results(server)}
    assert by_id[honest.id].rescored is True
    assert by_id[honest.id].server_points == pytest.approx(honest.score.points)
    assert by_id[failed.id].passed is False
    lie = by_id[document["id"]]
    assert lie.station_points == 6.0
    assert lie.server_points == pytest.approx(failed.score.points)
    assert lie.passed is False  # the server's verdict, not the station's
    [mismatch] = [f for f in flags(server) if f.kind == "score_mismatch"]
    assert mismatch.event_id == event["id"]
    assert "server's score counts" in mismatch.detail


def test_log_entries_deleted_on_the_station_are_flagged_as_a_gap(
    exam_station: ExamStation, server: RunningServer
) -> None:
    exam_station.take(correct=6)
    exam_station.push()
    last = log_entries(server)[-1].seq
    exam_station.take(correct=6, delete_seq_before_submit=last + 3)
    report = exam_station.push()
    assert report.rejected == []  # kept: refusing would lose the evidence
    gaps = [f for f in flags(server) if f.kind == "chain_gap"]
    assert len(gaps) == 1
    assert f"{last + 3}..{last + 3}" in gaps[0].detail
    with Session(server.engine) as session:
        event = session.get(Event, (exam_station.identity.id, gaps[0].event_id))
    assert event is not None
    assert event.flagged == "chain_gap"


def test_a_log_restored_from_an_old_copy_is_flagged_as_a_fork(
    exam_station: ExamStation, server: RunningServer, tmp_path: Path
) -> None:
    exam_station.take(correct=6)
    exam_station.push()
    backup = tmp_path / "backup.sqlite3"
    copy_database(exam_station.database, backup)
    exam_station.take(correct=6)
    exam_station.push()
    assert flags(server) == []
    # The store is put back to the copy and used again: the same seqs, other hashes.
    copy_database(backup, exam_station.database)
    exam_station.take(correct=5)
    report = exam_station.push()
    assert report.rejected == []
    kinds = {f.kind for f in flags(server)}
    assert "chain_fork" in kinds


def test_a_log_entry_with_a_flipped_bit_is_refused_and_flagged(
    exam_station: ExamStation, server: RunningServer
) -> None:
    exam_station.take(correct=6)
    with sqlite3.connect(exam_station.database) as raw:
        event_id, body = raw.execute(
            "SELECT id, body FROM outbox WHERE kind = 'exam_log'"
        ).fetchone()
        document = json.loads(body)
        entry = document["entries"][2]
        raw_body = bytearray(base64.b64decode(entry["body"]))
        raw_body[10] ^= 0x01
        entry["body"] = base64.b64encode(bytes(raw_body)).decode()
        raw.execute("UPDATE outbox SET body = ? WHERE id = ?", (canonical_json(document), event_id))
    report = exam_station.push()
    assert (event_id, "bad_signature") in report.rejected
    bad = [f for f in flags(server) if f.kind == "bad_signature"]
    assert [f.event_id for f in bad] == [event_id]
    assert "does not match its hash" in bad[0].detail
    # The result names a log entry the server never got: a gap, shown to a person.
    assert any(f.kind == "chain_gap" for f in flags(server))


def test_outbox_numbers_with_holes_are_not_flagged(server: RunningServer) -> None:
    """Coalescing replaces unsent running totals, so outbox seq holes are normal."""
    station = enrol(server.engine, station_id="lab-2")
    assert push(server.base_url, station, [make_event(1), make_event(5)]).status_code == 200
    assert flags(server) == []


def test_results_that_arrived_before_the_pack_was_published_are_rescored_later(
    exam_station: ExamStation, server: RunningServer
) -> None:
    result = exam_station.take(correct=6)
    exam_station.push()
    with Session(server.engine) as session:
        text = render(build_report(session))
    assert f"{PACK} {VERSION}: 1 — publish it with its pack key" in text
    assert "Nothing to look at" in text
    publish_bank(server)
    with Session(server.engine) as session:
        assert rescore_pending(session, now=datetime.now(UTC)) == (1, 0)
        session.commit()
        [row] = session.exec(select(Result)).all()
        assert row.rescored is True
        assert row.server_points == pytest.approx(result.score.points)
        assert build_report(session).not_rescored == []
        assert rescore_pending(session, now=datetime.now(UTC)) == (0, 0)
