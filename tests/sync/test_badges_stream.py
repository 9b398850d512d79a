"""Pass → push → pull: the wallet says pending, then issued, then revoked, over a real server.

The server's issuing is another piece of work; here the server's change log gets the badge
documents the contract describes (docs/badges.md), signed by the server's own key, and
the station pulls them through the real signed pull.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from mcdesk.server.changes import record
from mcdesk.server.signer import load_signer
from mcdesk.sync.apply_badges import apply_badges
from mcdesk.sync.client import fetch_server_key
from mcdesk.sync.pinning import pin_enrolled_key
from mcdesk.sync.pull import pull_streams
from mcdesk.sync.wallet import read_wallet
from tests.conftest import NOW
from tests.exam.bank import PACK
from tests.server.conftest import RunningServer
from tests.sync.badging import badge_document
from tests.sync.examstation import LEARNER, ExamStation


def _pull(station: ExamStation) -> int:
    report = pull_streams(
        database=station.database,
        station_key=station.identity.key,
        station_id=station.identity.id,
        server_url=station.server.base_url,
        server_public_key=fetch_server_key(station.server.base_url),
        appliers={"badges": apply_badges},
    )
    return report.items.get("badges", 0)


def _publish(server: RunningServer, station: ExamStation, document: dict[str, object]) -> None:
    with Session(server.engine) as session:
        record(
            session,
            stream="badges",
            key=f"badge:{document['credential_id']}",
            document=document,
            now=datetime.now(UTC),
            station_id=station.identity.id,
        )
        session.commit()


def test_a_pass_waits_then_its_badge_arrives_by_the_stream_and_is_revoked(
    exam_station: ExamStation, server: RunningServer
) -> None:
    pin_enrolled_key(
        database=exam_station.database,
        server_url=server.base_url,
        key=fetch_server_key(server.base_url),
    )
    assert exam_station.take(correct=6).passed
    (pending,) = read_wallet(exam_station.database, learner_id=LEARNER, now=NOW).pending
    assert pending.reason == "Waiting for the school server: this station has not synced yet."
    exam_station.push()
    (pending,) = read_wallet(exam_station.database, learner_id=LEARNER, now=NOW).pending
    assert (
        pending.reason == "The school server has your result. Your badge comes with the next sync."
    )

    with Session(server.engine) as session:
        signer = load_signer(session)
    assert signer is not None
    document = badge_document(signer.private_key, learner_id=LEARNER, pack_id=PACK)
    _publish(server, exam_station, document)
    assert _pull(exam_station) == 1
    wallet = read_wallet(exam_station.database, learner_id=LEARNER, now=NOW)
    assert wallet.pending == ()
    assert [b.credential_id for b in wallet.issued] == [document["credential_id"]]

    _publish(server, exam_station, document | {"status": "revoked", "revoked_reason": "re-scored"})
    assert _pull(exam_station) == 1
    wallet = read_wallet(exam_station.database, learner_id=LEARNER, now=NOW)
    assert [(b.revoked, b.revoked_reason) for b in wallet.revoked] == [(True, "re-scored")]
    assert wallet.issued == ()
